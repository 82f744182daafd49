using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Membership;

/// <summary>The mail-sending app with a clock the tests move (the re-authentication window) instead of sleeping.</summary>
public sealed class MailClockFactory : MailFactory
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Issue 17.4: sudo mode for two-factor changes, the admin's audited reset, and a password reset that keeps two-factor on.</summary>
public sealed class RecentSignInTests(MailClockFactory factory) : IClassFixture<MailClockFactory>
{
    private Task<AppUser> UserAsync(string email) => factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));

    [Fact]
    public async Task A_session_without_a_recent_password_cannot_turn_two_factor_off_or_get_new_codes_until_it_confirms()
    {
        var editor = await factory.ClientFromAsync(AccountTestKit.RandomIp(140), Roles.Editor);
        await editor.EnableTwoFactorAsync(); // just signed in with the password: no question asked
        factory.Clock.Advance(RecentSignIn.Window + TimeSpan.FromMinutes(1)); // the laptop left open at the venue

        foreach (var handler in new[] { "Disable", "RecoveryCodes" })
        {
            var refused = await editor.PostFormAsync("/account/settings", [], $"/account/two-factor?handler={handler}");
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal("/account/confirm?ReturnUrl=%2Faccount%2Ftwo-factor", refused.Headers.Location!.OriginalString);
        }
        Assert.Equal("/account/confirm?ReturnUrl=%2Faccount%2Ftwo-factor", (await editor.Http.GetAsync("/account/two-factor")).Headers.Location!.OriginalString);
        Assert.True((await UserAsync(editor.Email!)).TwoFactorEnabled);

        var confirm = await editor.GetDocumentAsync("/account/confirm?ReturnUrl=%2Faccount%2Ftwo-factor");
        Assert.Equal("Confirm it's you", confirm.QuerySelector("h1")!.TextContent);
        Assert.Contains(confirm.QuerySelectorAll("label"), l => l.TextContent.Trim() == "Confirm your password");
        Assert.Contains(confirm.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Confirm");
        var wrong = await editor.PostFormAsync("/account/confirm?ReturnUrl=%2Faccount%2Ftwo-factor", ("Password", "not my password"), ("ReturnUrl", "/account/two-factor"));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(ConfirmText(), await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync("/account/settings", [], "/account/two-factor?handler=Disable")).StatusCode);
        Assert.True((await UserAsync(editor.Email!)).TwoFactorEnabled);

        var right = await editor.PostFormAsync("/account/confirm?ReturnUrl=%2Faccount%2Ftwo-factor", ("Password", BackstageFactory.Password), ("ReturnUrl", "/account/two-factor"));
        Assert.Equal("/account/two-factor", right.Headers.Location!.OriginalString);
        var page = await editor.GetDocumentAsync("/account/two-factor"); // several requests later the confirmation still holds
        Assert.Contains(page.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Disable two-factor authentication");
        var disabled = await editor.PostFormAsync("/account/two-factor", [], "/account/two-factor?handler=Disable");
        Assert.Equal("/account/two-factor", disabled.Headers.Location!.OriginalString);
        Assert.False((await UserAsync(editor.Email!)).TwoFactorEnabled);
    }

    private static string ConfirmText() => System.Net.WebUtility.HtmlEncode(Backstage.Web.Pages.Account.ConfirmModel.Wrong);

    [Fact]
    public async Task An_admin_resets_a_lost_two_factor_and_the_audit_log_says_who()
    {
        var editor = await factory.ClientFromAsync(AccountTestKit.RandomIp(141), Roles.Editor);
        await editor.EnableTwoFactorAsync();
        var target = await UserAsync(editor.Email!);
        var admin = await factory.ClientFromAsync(AccountTestKit.RandomIp(142), Roles.Admin);

        var users = await admin.GetDocumentAsync("/admin/users");
        Assert.Contains(users.QuerySelectorAll("button"), b => b.GetAttribute("aria-label") == $"Reset two-factor: {editor.Email}");
        var reset = await admin.PostFormAsync("/admin/users", [new("userId", target.Id)], "/admin/users?handler=ResetTwoFactor");
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);

        Assert.False((await UserAsync(editor.Email!)).TwoFactorEnabled);
        Assert.Equal(HttpStatusCode.Redirect, (await editor.Http.GetAsync("/studio")).StatusCode); // its sessions ended
        var entry = await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AsNoTracking().SingleAsync(a => a.SubjectUserId == target.Id && a.Action == "two-factor-reset"));
        Assert.Equal(admin.Email, entry.Actor);
        var audit = await admin.GetDocumentAsync("/admin/audit?Action=two-factor-reset");
        Assert.Contains(editor.Email!, audit.Body!.TextContent);
        Assert.Equal("/", (await (await factory.ClientFromAsync(AccountTestKit.RandomIp(143))).PasswordStepAsync(editor.Email!)).OriginalString);
    }

    [Fact]
    public async Task A_password_reset_keeps_two_factor_on_and_says_so()
    {
        var owner = await factory.ClientFromAsync(AccountTestKit.RandomIp(144), Roles.Reader);
        await owner.EnableTwoFactorAsync();
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(145));
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("/account/forgot-password", ("Email", owner.Email!))).StatusCode);
        await factory.RunJobsAsync();
        var link = Maildev.LinkIn(await factory.Mail!.SingleAsync(owner.Email!, "Reset your Backstage password"), "/account/reset-password");
        var reset = await client.PostFormAsync(link, [new("Input.Password", "quiet harbour pencil drum"), new("Input.ConfirmPassword", "quiet harbour pencil drum")]);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        var login = await client.GetDocumentAsync(reset.Headers.Location!.OriginalString);
        Assert.Contains("Two-factor authentication stays on", login.Body!.TextContent);
        Assert.True((await UserAsync(owner.Email!)).TwoFactorEnabled);
        var signIn = await client.PostFormAsync("/account/login", ("Input.Email", owner.Email!), ("Input.Password", "quiet harbour pencil drum"));
        Assert.StartsWith("/account/login-2fa", signIn.Headers.Location!.OriginalString);
    }
}
