using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// Reader registration. The answer is the same whether or not the address already has an account ("check your
/// email"): a new account gets a confirmation link, an existing one a notice (at most one an hour per address).
/// Throttled per client address.
/// </summary>
[AllowAnonymous]
public sealed class RegisterModel(UserManager<AppUser> users, IPasswordHasher<AppUser> hasher, BackstageDbContext db, Throttle throttle, AccountMail mail)
    : AccountPage
{
    [BindProperty] public RegisterInput Input { get; set; } = new();

    public sealed class RegisterInput
    {
        [Required, EmailAddress, StringLength(256)] public string Email { get; set; } = "";
        [Required, StringLength(DisplayNames.MaxLength, MinimumLength = 2), Display(Name = "Name shown with your comments")]
        public string DisplayName { get; set; } = "";
        [Required, StringLength(200, MinimumLength = 10, ErrorMessage = "The password needs at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        [Required, Compare(nameof(Password), ErrorMessage = "The two passwords differ."), DataType(DataType.Password), Display(Name = "Password again")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        if (await throttle.RetryAfterAsync(ct, (ThrottleRule.RegisterPerIp, ClientIp)) is { } wait)
            return TooManyRequests(wait, "Too many accounts have been created from your network recently. Please try again in {wait}.");

        var email = Input.Email.Trim();
        var name = DisplayNames.Normalize(Input.DisplayName);
        if (await DisplayNames.ProblemAsync(db, name, null, isStaff: false, ct) is { } nameProblem)
            ModelState.AddModelError("Input.DisplayName", nameProblem);
        if (PasswordStrength.Check(Input.Password, email, name) is { } weak)
            ModelState.AddModelError("Input.Password", weak);
        if (!ModelState.IsValid) return Page();

        await throttle.RecordAsync(ct, (ThrottleRule.RegisterPerIp, ClientIp));
        if (await users.FindByEmailAsync(email) is { } existing)
        {
            hasher.HashPassword(existing, Input.Password); // the same hashing work as creating an account: timing says nothing
            // One notice per address per hour, whoever asks from wherever: the answer stays "check your email".
            if (await throttle.RetryAfterAsync(ct, (ThrottleRule.AlreadyRegisteredPerAccount, email)) is null)
            {
                await throttle.RecordAsync(ct, (ThrottleRule.AlreadyRegisteredPerAccount, email));
                await mail.SendAlreadyRegisteredAsync(existing, ct);
            }
        }
        else
        {
            var user = new AppUser { UserName = email, Email = email, DisplayName = name, CreatedAt = DateTimeOffset.UtcNow };
            var result = await users.CreateAsync(user, Input.Password);
            if (!result.Succeeded)
            {
                // A concurrent registration of the same address lands here: answer as if it went through.
                if (result.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
                    return RedirectToPage("CheckEmail");
                foreach (var e in result.Errors) ModelState.AddModelError("", e.Description);
                return Page();
            }
            await users.AddToRoleAsync(user, Roles.Reader);
            await mail.SendConfirmationAsync(user, ct);
        }
        return RedirectToPage("CheckEmail");
    }
}
