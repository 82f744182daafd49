using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Areas.Admin.Pages;

public sealed class IndexModel(UserManager<AppUser> users) : PageModel
{
    public Dictionary<string, int> UsersByRole { get; } = [];

    public async Task OnGetAsync()
    {
        foreach (var role in Roles.All)
            UsersByRole[role] = (await users.GetUsersInRoleAsync(role)).Count;
    }
}
