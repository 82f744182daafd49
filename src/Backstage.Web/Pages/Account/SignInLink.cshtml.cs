using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// "Email me a sign-in link": the way past a throttled or locked account for its owner. The link opens this page with
/// its token and a "Sign in" button; the POST redeems it (once), signs in, and clears the failed-attempt throttle and any
/// lockout. Two-factor accounts still give their code.
/// </summary>
[AllowAnonymous]
public sealed class SignInLinkModel(UserManager<AppUser> users, BackstageSignInManager signIn, SignInLinks links, Throttle throttle, AccountMail mail)
    : MailRequestPage(users, throttle)
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }

    protected override Task SendAsync(AppUser user, CancellationToken ct) => mail.SendSignInLinkAsync(user, ct);

    public async Task<IActionResult> OnPostRedeemAsync(CancellationToken ct)
    {
        var userId = await links.RedeemAsync(Token, ct);
        var user = userId is null ? null : await Users.FindByIdAsync(userId);
        if (user is null || !await signIn.CanSignInAsync(user))
        {
            ModelState.Clear();
            ModelState.AddModelError("", "That sign-in link has expired or was already used. Ask for a new one below.");
            Token = null;
            return Page();
        }
        await Throttle.ClearAsync(ThrottleRule.SignInPerAccount, user.Email!, ct);
        await Users.ResetAccessFailedCountAsync(user);
        await Users.SetLockoutEndDateAsync(user, null);
        // Same as a correct password: a two-factor account still gives its code.
        if ((await signIn.SignInByLinkAsync(user)).RequiresTwoFactor)
            return RedirectToPage("LoginWith2fa", new { ReturnUrl = "/" });
        TempData["Flash"] = "You are signed in.";
        return LocalRedirect("/");
    }

}
