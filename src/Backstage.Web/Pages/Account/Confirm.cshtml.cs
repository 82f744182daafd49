using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// "Confirm it's you" (sudo mode, <see cref="RecentSignIn"/>): the password, or a current code for two-factor accounts,
/// before a sensitive change; then back to the page that asked. Wrong answers count towards the account's sign-in
/// throttle, so a stolen session cannot guess the password here either.
/// </summary>
public sealed class ConfirmModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, Throttle throttle, TimeProvider clock) : AccountPage
{
    public const string Wrong = "That is not your password, or not the code your app shows now.";

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty, DataType(DataType.Password), Display(Name = "Confirm your password")] public string? Password { get; set; }
    [BindProperty, Display(Name = "Or a code from your authenticator app"), StringLength(8)] public string? Code { get; set; }
    public bool HasTwoFactor { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        HasTwoFactor = user.TwoFactorEnabled;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        HasTwoFactor = user.TwoFactorEnabled;
        var email = user.Email ?? user.Id;
        if (await throttle.RetryAfterAsync(ct, (ThrottleRule.SignInPerAccount, email)) is { } wait)
            return TooManyRequests(wait, "Too many wrong answers for this account. Try again in {wait}.");
        var code = new string((Code ?? "").Where(char.IsDigit).ToArray());
        if (string.IsNullOrEmpty(Password) && code.Length == 0)
        {
            ModelState.AddModelError(nameof(Password), HasTwoFactor ? "Type your password or the code from your authenticator app." : "Type your password.");
            return Page();
        }
        var right = !string.IsNullOrEmpty(Password)
            ? await users.CheckPasswordAsync(user, Password)
            : HasTwoFactor && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code);
        if (!right)
        {
            await throttle.RecordAsync(ct, (ThrottleRule.SignInPerAccount, email));
            ModelState.AddModelError(string.IsNullOrEmpty(Password) ? nameof(Code) : nameof(Password), Wrong);
            return Page();
        }
        RecentSignIn.Mark(HttpContext, clock.GetUtcNow());
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect(SafeReturnUrl(ReturnUrl));
    }
}
