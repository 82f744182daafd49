using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// The second step for accounts with two-factor sign-in: a code from the authenticator app, or one of the recovery
/// codes. Wrong codes count towards Identity's lockout (5, then 15 minutes), which a sign-in link lifts.
/// </summary>
[AllowAnonymous]
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn, DeviceCookies devices, TimeProvider clock) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public bool RememberMe { get; set; }
    [BindProperty, Display(Name = "Code from your authenticator app"), StringLength(8)] public string? Code { get; set; }
    [BindProperty, Display(Name = "Or a recovery code"), StringLength(20)] public string? RecoveryCode { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user) return RedirectToPage("Login");
        var code = new string((Code ?? "").Where(char.IsDigit).ToArray());
        var recovery = (RecoveryCode ?? "").Replace(" ", "");
        if (code.Length == 0 && recovery.Length == 0) ModelState.AddModelError("Code", "Type the 6-digit code from your authenticator app, or a recovery code.");
        if (!ModelState.IsValid) return Page();
        RecentSignIn.Mark(HttpContext, clock.GetUtcNow()); // recorded only if the code is right
        var result = code.Length > 0
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, RememberMe, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(recovery);
        if (result.Succeeded)
        {
            devices.Issue(Response, user);
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        ModelState.AddModelError("", result.IsLockedOut
            ? "Too many wrong codes: two-factor sign-in is paused for 15 minutes. A sign-in link by email lifts the pause."
            : "That code is not right. Codes change every 30 seconds; check the time on your phone, or use a recovery code.");
        return Page();
    }
}
