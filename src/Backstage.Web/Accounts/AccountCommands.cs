using Microsoft.AspNetCore.Identity;

namespace Backstage.Web.Accounts;

/// <summary>Account creation shared by the operator's "admin create" (Hosting/OperatorCommands), the admin users page and the seeder.</summary>
public static class AccountCommands
{
    public static async Task<IdentityResult> CreateUserAsync(UserManager<AppUser> users, string email, string name, string password, string role)
    {
        // Made by an operator or an admin (or a test): the address is taken as confirmed.
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = DisplayNames.Normalize(name) };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRoleAsync(user, role) : created;
    }
}
