using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Foundation;

public sealed class AccountTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task A_reader_registers_as_an_unconfirmed_reader_and_is_asked_to_check_their_email()
    {
        var client = await factory.ClientAsync();
        var email = $"new-{Guid.NewGuid():N}@example.test";
        var response = await client.PostFormAsync("/account/register",
            ("Input.Email", email), ("Input.DisplayName", "Nadia"), ("Input.Password", "violet taxi under moonlight"), ("Input.ConfirmPassword", "violet taxi under moonlight"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/check-email", response.Headers.Location!.OriginalString);
        await client.SignInAsync(email, "violet taxi under moonlight");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/studio")).StatusCode);
        var (roles, confirmed) = await factory.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            return (await users.GetRolesAsync(user), user.EmailConfirmed);
        });
        Assert.Equal([Roles.Reader], roles);
        Assert.False(confirmed);
    }

    [Fact]
    public async Task A_short_password_is_refused_and_the_email_is_kept()
    {
        var client = await factory.ClientAsync();
        var response = await client.PostFormAsync("/account/register",
            ("Input.Email", "short@example.test"), ("Input.DisplayName", "Shorty"), ("Input.Password", "123456789"), ("Input.ConfirmPassword", "123456789"));
        var page = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("at least 10 characters", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal("short@example.test", page.QuerySelector("input[name='Input.Email']")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Five_failed_sign_ins_throttle_the_account_even_against_the_right_password()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var client = await factory.ClientAsync();
        for (var i = 0; i < 5; i++)
            await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", "wrong-password-" + i));

        var response = await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", BackstageFactory.Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("sign-in link", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/studio")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_takes_effect_on_the_next_request()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.GetAsync("/studio")).StatusCode);

        var admin = await factory.ClientAsync(Roles.Admin);
        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == editor.Email).Select(u => u.Id).SingleAsync());
        var demote = await admin.PostFormAsync("/admin/users", [new("userId", userId), new("role", Roles.Reader)], postUrl: "/admin/users?handler=Role");
        Assert.Equal(HttpStatusCode.Redirect, demote.StatusCode);

        var after = await editor.Http.GetAsync("/studio");
        Assert.NotEqual(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task An_admin_creates_an_editor_who_can_then_use_the_studio()
    {
        var admin = await factory.ClientAsync(Roles.Admin);
        var email = $"staff-{Guid.NewGuid():N}@example.test";
        var response = await admin.PostFormAsync("/admin/users", [new("Input.Email", email), new("Input.DisplayName", "Stella"),
            new("Input.Password", "paper lantern orbit sixty"), new("Input.NewRole", Roles.Editor)], postUrl: "/admin/users?handler=Create");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var staff = await factory.ClientAsync();
        await staff.SignInAsync(email, "paper lantern orbit sixty");
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/studio")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_needs_a_post_and_ends_the_session()
    {
        var reader = await factory.ClientAsync(Roles.Reader);
        await reader.Http.GetAsync("/account/logout");
        Assert.Contains(reader.Email!, await reader.Http.GetStringAsync("/"));
        var response = await reader.PostFormAsync("/", [], postUrl: "/account/logout");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain(reader.Email!, await reader.Http.GetStringAsync("/"));
    }

    [Fact]
    public async Task Auth_cookie_is_http_only_and_same_site_lax()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var client = await factory.ClientAsync();
        var response = await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", BackstageFactory.Password));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("backstage.auth="));
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        Assert.Contains("samesite=lax", cookie.ToLowerInvariant());
    }
}
