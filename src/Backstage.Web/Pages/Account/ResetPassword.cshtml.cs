using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>The reset link's page: a new password (checked for strength) ends every existing session (the stamp rotates).</summary>
[AllowAnonymous]
public sealed class ResetPasswordModel(UserManager<AppUser> users, Throttle throttle) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty] public NewPasswordInput Input { get; set; } = new();

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var user = UserId is null ? null : await users.FindByIdAsync(UserId);
        if (user is null || Code is null)
        {
            ModelState.AddModelError("", InvalidLink);
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, Code, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "InvalidToken" ? "" : "Input.Password", e.Code == "InvalidToken" ? InvalidLink : e.Description);
            return Page();
        }
        // The owner proved they read the mailbox: failed attempts no longer hold the account.
        await throttle.ClearAsync(ThrottleRule.SignInPerAccount, user.Email!, ct);
        await users.SetLockoutEndDateAsync(user, null);
        // A reset proves the mailbox, not the phone: two-factor sign-in stays on, and the page says so.
        TempData["Flash"] = user.TwoFactorEnabled
            ? "Your password is changed. Two-factor authentication stays on: sign in with the new password and a code from your authenticator app (or a recovery code)."
            : "Your password is changed. Sign in with it.";
        return RedirectToPage("Login");
    }

    private const string InvalidLink = "That reset link has expired or was already used. Ask for a new one from \"Forgot password?\".";
}

/// <summary>A new password typed twice (reset and change).</summary>
public sealed class NewPasswordInput
{
    [Required, StringLength(200, MinimumLength = 10, ErrorMessage = "The password needs at least 10 characters."), DataType(DataType.Password), Display(Name = "New password")]
    public string Password { get; set; } = "";
    [Required, Compare(nameof(Password), ErrorMessage = "The two passwords differ."), DataType(DataType.Password), Display(Name = "New password again")]
    public string ConfirmPassword { get; set; } = "";
}
