using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// "Forgot password?" and "Email me a sign-in link" share this form: the same answer whether or not the address has an
/// account, throttled per address and per client so nobody can flood an inbox.
/// </summary>
public abstract class MailRequestPage(UserManager<AppUser> users, Throttle throttle) : AccountPage
{
    protected UserManager<AppUser> Users => users;
    protected Throttle Throttle => throttle;

    [BindProperty, Required, EmailAddress, Display(Name = "Email")] public string Email { get; set; } = "";
    public bool Sent { get; private set; }

    protected abstract Task SendAsync(AppUser user, CancellationToken ct);

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var email = Email.Trim();
        if (await throttle.RetryAfterAsync(ct, (ThrottleRule.MailPerAccount, email), (ThrottleRule.MailPerIp, ClientIp)) is { } wait)
            return TooManyRequests(wait, "We have sent several messages to this address or from your network already. Please look for them, or ask again in {wait}.");
        await throttle.RecordAsync(ct, (ThrottleRule.MailPerAccount, email), (ThrottleRule.MailPerIp, ClientIp));
        if (await users.FindByEmailAsync(email) is { } user) await SendAsync(user, ct);
        Sent = true;
        return Page();
    }
}

[AllowAnonymous]
public sealed class ForgotPasswordModel(UserManager<AppUser> users, Throttle throttle, AccountMail mail) : MailRequestPage(users, throttle)
{
    protected override Task SendAsync(AppUser user, CancellationToken ct) => mail.SendPasswordResetAsync(user, ct);
}
