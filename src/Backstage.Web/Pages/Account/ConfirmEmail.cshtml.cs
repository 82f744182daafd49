using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// The confirmation link opens this page; the address is confirmed by its button (a POST), so a mail scanner that
/// follows links confirms nothing. Without a code, it tells a signed-in reader why comments need a confirmed address
/// and sends the link again.
/// </summary>
[AllowAnonymous]
public sealed class ConfirmEmailModel(UserManager<AppUser> users, AccountMail mail, Throttle throttle) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync() => Confirmed = await users.GetUserAsync(User) is { EmailConfirmed: true };

    public async Task<IActionResult> OnPostAsync()
    {
        var user = UserId is null ? null : await users.FindByIdAsync(UserId);
        if (user is null || Code is null || !(await users.ConfirmEmailAsync(user, Code)).Succeeded)
        {
            ModelState.AddModelError("", "That confirmation link is not valid any more. Sign in and ask for a new one.");
            return Page();
        }
        TempData["Flash"] = "Thank you: your address is confirmed" + (User.Identity?.IsAuthenticated == true ? " and you can comment." : ". Sign in to comment.");
        return User.Identity?.IsAuthenticated == true ? LocalRedirect("/") : RedirectToPage("Login");
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (user.EmailConfirmed) return RedirectToPage();
        if (await throttle.RetryAfterAsync(ct, (ThrottleRule.MailPerAccount, user.Email), (ThrottleRule.MailPerIp, ClientIp)) is { } wait)
            return TooManyRequests(wait, "We have sent several links already. Please look for them, or ask again in {wait}.");
        await throttle.RecordAsync(ct, (ThrottleRule.MailPerAccount, user.Email), (ThrottleRule.MailPerIp, ClientIp));
        await mail.SendConfirmationAsync(user, ct);
        TempData["Flash"] = $"We have sent a new confirmation link to {user.Email}.";
        return RedirectToPage();
    }
}
