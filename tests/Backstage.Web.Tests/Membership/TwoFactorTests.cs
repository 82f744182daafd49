using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Backstage.Web.Tests.Membership;

public static class TwoFactorKit
{
    /// <summary>Turns on two-factor sign-in through the page (key read from it, code computed per RFC 6238); returns the key and the recovery codes.</summary>
    public static async Task<(string Key, string[] RecoveryCodes)> EnableTwoFactorAsync(this FormClient client)
    {
        var page = await client.GetDocumentAsync("/account/two-factor");
        Assert.StartsWith("data:image/png;base64,", page.QuerySelector("img.qr")!.GetAttribute("src"));
        var key = page.QuerySelector(".shared-key")!.TextContent;
        var response = await client.PostFormAsync("/account/two-factor", [new("Code", AccountTestKit.Totp(key))], "/account/two-factor?handler=Enable");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = FormClient.Parse(await response.Content.ReadAsStringAsync());
        var codes = done.QuerySelectorAll(".recovery-codes code").Select(c => c.TextContent).ToArray();
        Assert.Equal(10, codes.Length);
        return (key, codes);
    }

    /// <summary>Password step of the sign-in; returns the redirect (to the code page for two-factor accounts).</summary>
    public static async Task<Uri> PasswordStepAsync(this FormClient client, string email)
    {
        var response = await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", BackstageFactory.Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }
}

/// <summary>Issue 9.7: TOTP two-factor sign-in with recovery codes.</summary>
public sealed class TwoFactorTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task An_editor_turns_on_two_factor_and_then_signs_in_with_a_code_or_a_recovery_code()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var (key, recovery) = await editor.EnableTwoFactorAsync();
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.GetAsync("/studio")).StatusCode); // this session continues

        var fresh = await factory.ClientAsync();
        Assert.StartsWith("/account/login-2fa", (await fresh.PasswordStepAsync(editor.Email!)).OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.Http.GetAsync("/studio")).StatusCode);
        var wrong = await fresh.PostFormAsync("/account/login-2fa", ("Code", "000000"));
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync());
        var right = await fresh.PostFormAsync("/account/login-2fa", ("Code", AccountTestKit.Totp(key)));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.Http.GetAsync("/studio")).StatusCode);

        var lostPhone = await factory.ClientAsync();
        await lostPhone.PasswordStepAsync(editor.Email!);
        Assert.Equal(HttpStatusCode.Redirect, (await lostPhone.PostFormAsync("/account/login-2fa", ("RecoveryCode", recovery[0]))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lostPhone.Http.GetAsync("/studio")).StatusCode);
        // A recovery code works once.
        var again = await factory.ClientAsync();
        await again.PasswordStepAsync(editor.Email!);
        Assert.Equal(HttpStatusCode.OK, (await again.PostFormAsync("/account/login-2fa", ("RecoveryCode", recovery[0]))).StatusCode);
    }

    [Fact]
    public async Task Turning_two_factor_off_goes_back_to_password_only()
    {
        var reader = await factory.ClientAsync(Roles.Reader);
        await reader.EnableTwoFactorAsync();
        var page = await reader.GetDocumentAsync("/account/two-factor");
        Assert.Contains(page.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Disable two-factor authentication");
        Assert.Equal(HttpStatusCode.Redirect, (await reader.PostFormAsync("/account/two-factor", [], "/account/two-factor?handler=Disable")).StatusCode);
        Assert.Equal("/", (await (await factory.ClientAsync()).PasswordStepAsync(reader.Email!)).OriginalString);
    }
}

public sealed class RequiredTwoFactorFactory : BackstageFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Backstage:Accounts:RequireTwoFactorForStaff", "true");
}

public sealed class RequiredTwoFactorTests(RequiredTwoFactorFactory factory) : IClassFixture<RequiredTwoFactorFactory>
{
    [Fact]
    public async Task Staff_without_two_factor_are_sent_to_set_it_up_before_the_studio_and_admin()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var studio = await editor.Http.GetAsync("/studio");
        Assert.Equal(HttpStatusCode.Redirect, studio.StatusCode);
        Assert.Equal("/account/two-factor", studio.Headers.Location!.OriginalString);
        var admin = await factory.ClientAsync(Roles.Admin);
        Assert.Equal("/account/two-factor", (await admin.Http.GetAsync("/admin")).Headers.Location!.OriginalString);

        await editor.EnableTwoFactorAsync();
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.GetAsync("/studio")).StatusCode);
        // Readers are not asked, and still get a plain 403 for the studio.
        var reader = await factory.ClientAsync(Roles.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Http.GetAsync("/studio")).StatusCode);
    }
}
