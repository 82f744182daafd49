using Backstage.Web.Email;
using Microsoft.AspNetCore.Identity;

namespace Backstage.Web.Accounts;

/// <summary>The account messages: confirm an address, reset a password, sign in by link, and "someone registered with your address".</summary>
public sealed class AccountMail(UserManager<AppUser> users, SignInLinks links, Mailer mailer)
{
    public async Task SendConfirmationAsync(AppUser user, CancellationToken ct = default)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user);
        await SendAsync(user, "Confirm your email address for Backstage", $"""
            Hello {user.DisplayName},

            Please confirm that this is your address, so you can comment on Backstage:
            {mailer.Link($"/account/confirm-email?userId={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}")}

            The link works for {Hours} hours. If you did not create an account, ignore this message.
            """, ct);
    }

    public async Task SendPasswordResetAsync(AppUser user, CancellationToken ct = default)
    {
        var code = await users.GeneratePasswordResetTokenAsync(user);
        await SendAsync(user, "Reset your Backstage password", $"""
            Hello {user.DisplayName},

            Someone (we hope you) asked to reset the password of your Backstage account. Choose a new one here:
            {mailer.Link($"/account/reset-password?userId={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}")}

            The link works for {Hours} hours and only once. If you did not ask, ignore this message: your password is unchanged.
            """, ct);
    }

    public async Task SendSignInLinkAsync(AppUser user, CancellationToken ct = default)
    {
        var token = await links.IssueAsync(user.Id, ct);
        await SendAsync(user, "Your Backstage sign-in link", $"""
            Hello {user.DisplayName},

            Sign in to Backstage with this link (it works once, for {SignInLinks.Lifetime.TotalMinutes:0} minutes, and lifts any
            lock on your account after failed attempts):
            {mailer.Link($"/account/sign-in-link?token={Uri.EscapeDataString(token)}")}

            If you did not ask for it, ignore this message; someone may be trying to guess your password, and they cannot use this link.
            """, ct);
    }

    public Task SendAlreadyRegisteredAsync(AppUser user, CancellationToken ct = default) =>
        SendAsync(user, "Someone tried to register with your address", $"""
            Hello {user.DisplayName},

            Someone (perhaps you) tried to create a Backstage account with this email address, which already has one.
            If it was you, sign in: {mailer.Link("/account/login")}
            Forgot your password? Reset it: {mailer.Link("/account/forgot-password")}

            If it was not you, you need not do anything.
            """, ct);

    /// <summary>How long confirmation and reset links work (Identity's data-protection token lifespan).</summary>
    public static readonly TimeSpan TokenLifespan = TimeSpan.FromHours(3);
    private static double Hours => TokenLifespan.TotalHours;

    private Task SendAsync(AppUser user, string subject, string body, CancellationToken ct) =>
        mailer.SendAsync(user.Email!, user.DisplayName, subject, body, ct: ct);
}
