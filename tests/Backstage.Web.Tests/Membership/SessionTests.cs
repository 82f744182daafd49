using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Membership;

/// <summary>Issue 9.1: sign-out, password change, role change, ban and "Sign out everywhere" end every session server-side.</summary>
public sealed class SessionTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private async Task<(FormClient Client, string Email, string Cookie)> SignedInAsync(string role)
    {
        var email = await factory.CreateUserAsync(role);
        var client = await factory.ClientAsync();
        var cookie = await client.SignInAndKeepCookieAsync(email);
        var page = role == Roles.Reader ? "/account/settings" : "/studio";
        Assert.Equal(HttpStatusCode.OK, (await factory.ReplayAsync(cookie, page)).StatusCode);
        return (client, email, cookie);
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    private Task<string> IdOfAsync(string email) => factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    [Fact]
    public async Task A_copied_cookie_stops_working_after_sign_out()
    {
        var (client, _, cookie) = await SignedInAsync(Roles.Editor);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/", [], postUrl: "/account/logout")).StatusCode);
        AssertSentToSignIn(await factory.ReplayAsync(cookie, "/studio"));
    }

    [Fact]
    public async Task Changing_the_password_ends_other_sessions_but_keeps_this_one()
    {
        var (client, email, elsewhere) = await SignedInAsync(Roles.Reader);
        var response = await client.PostFormAsync("/account/settings", [new("CurrentPassword", BackstageFactory.Password),
            new("Input.Password", "violet taxi under moonlight"), new("Input.ConfirmPassword", "violet taxi under moonlight")], "/account/settings?handler=Password");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertSentToSignIn(await factory.ReplayAsync(elsewhere, "/account/settings"));
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/account/settings")).StatusCode);
        await factory.ClientAsync().ContinueWith(async c => await (await c).SignInAsync(email, "violet taxi under moonlight")).Unwrap();
    }

    [Fact]
    public async Task A_role_change_ends_the_session()
    {
        var (_, email, cookie) = await SignedInAsync(Roles.Editor);
        var admin = await factory.ClientAsync(Roles.Admin);
        await admin.PostFormAsync("/admin/users", [new("userId", await IdOfAsync(email)), new("role", Roles.Reader)], "/admin/users?handler=Role");
        AssertSentToSignIn(await factory.ReplayAsync(cookie, "/studio"));
    }

    [Fact]
    public async Task An_admin_signs_an_account_out_everywhere()
    {
        var (_, email, cookie) = await SignedInAsync(Roles.Editor);
        var admin = await factory.ClientAsync(Roles.Admin);
        var page = await admin.GetDocumentAsync("/admin/users");
        Assert.Contains(page.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Sign out everywhere");
        var response = await admin.PostFormAsync("/admin/users", [new("userId", await IdOfAsync(email))], "/admin/users?handler=SignOut");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertSentToSignIn(await factory.ReplayAsync(cookie, "/studio"));
        // The admin's own session is untouched.
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task I_sign_myself_out_everywhere()
    {
        var (client, _, elsewhere) = await SignedInAsync(Roles.Reader);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/account/settings", [], "/account/settings?handler=SignOutEverywhere")).StatusCode);
        AssertSentToSignIn(await factory.ReplayAsync(elsewhere, "/account/settings"));
        AssertSentToSignIn(await client.Http.GetAsync("/account/settings"));
    }

    [Fact]
    public async Task A_banned_reader_is_signed_out_and_cannot_sign_in_again()
    {
        var (client, email, cookie) = await SignedInAsync(Roles.Reader);
        var admin = await factory.CreateUserAsync(Roles.Admin);
        // However the ban is written (moderation page, service, SQL), the database ends the sessions.
        await factory.WithDbAsync(async db =>
        {
            db.Add(new ReaderBan { UserId = await IdOfAsync(email), BannedById = await IdOfAsync(admin), Reason = "spam", At = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        AssertSentToSignIn(await factory.ReplayAsync(cookie, "/account/settings"));
        AssertSentToSignIn(await client.Http.GetAsync("/account/settings"));
        var again = await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", BackstageFactory.Password));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
