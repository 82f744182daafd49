using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Membership;

/// <summary>
/// Issue 17.11, 17.12 and 17.13: throttles count the real client (forwarded headers only from trusted proxies), a
/// browser that signed in before keeps its own allowance (OWASP device cookies), and the "already registered" notice
/// is capped per address.
/// </summary>
public sealed class ClientThrottleTests(MailFactory factory) : IClassFixture<MailFactory>
{
    private static Task<HttpResponseMessage> TryAsync(FormClient client, string email, string password) =>
        client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", password));

    private static string Unknown() => $"guess-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task A_forwarded_address_from_a_peer_that_is_not_a_trusted_proxy_is_ignored_by_the_throttle()
    {
        // A client reaching the node directly (not through the proxy on 127.0.0.1) makes up a new address each time.
        var client = factory.NewFormClient();
        client.Http.DefaultRequestHeaders.Add(TestPeer.Header, "203.0.113.77");
        for (var i = 0; i <= ThrottleRule.SignInPerIp.Limit; i++)
        {
            client.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", AccountTestKit.RandomIp(110));
            var response = await TryAsync(client, Unknown(), "password-guess");
            Assert.Equal(i < ThrottleRule.SignInPerIp.Limit ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, response.StatusCode);
        }

        // Through the trusted proxy the forwarded address is the client's: another client there is not affected.
        var email = await factory.CreateUserAsync(Roles.Reader);
        await (await factory.ClientFromAsync(AccountTestKit.RandomIp(111))).SignInAsync(email, BackstageFactory.Password);
    }

    [Fact]
    public async Task After_25_failures_from_one_address_the_editors_known_browser_still_signs_in_and_a_new_browser_gets_429()
    {
        var venue = AccountTestKit.RandomIp(120);
        var editor = await factory.CreateUserAsync(Roles.Editor);
        var deskBrowser = await factory.ClientFromAsync(venue);
        await deskBrowser.SignInAsync(editor, BackstageFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await deskBrowser.PostFormAsync("/", [], postUrl: "/account/logout")).StatusCode);

        // A press room's worth of failures from the same address, some against the editor's own account.
        for (var i = 0; i < 25; i++)
            await TryAsync(await factory.ClientFromAsync(venue), i % 5 == 0 ? editor : Unknown(), "wrong password " + i);

        Assert.Equal(HttpStatusCode.Redirect, (await TryAsync(deskBrowser, editor, BackstageFactory.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TryAsync(await factory.ClientFromAsync(venue), editor, BackstageFactory.Password)).StatusCode);
        // The device cookie is the editor's: for another account the same browser is a stranger on that network.
        var colleague = await factory.CreateUserAsync(Roles.Editor);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TryAsync(deskBrowser, colleague, BackstageFactory.Password)).StatusCode);
    }

    [Fact]
    public async Task A_known_browser_has_an_allowance_of_its_own_that_runs_out()
    {
        var editor = await factory.CreateUserAsync(Roles.Editor);
        var browser = await factory.ClientFromAsync(AccountTestKit.RandomIp(121));
        await browser.SignInAsync(editor, BackstageFactory.Password);
        for (var i = 0; i < ThrottleRule.SignInPerDevice.Limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await TryAsync(browser, editor, "wrong password " + i)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TryAsync(browser, editor, BackstageFactory.Password)).StatusCode);
    }

    [Fact]
    public async Task The_already_registered_notice_goes_out_once_an_hour_per_address_with_the_same_answer()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        for (var i = 0; i < 3; i++)
        {
            var visitor = await factory.ClientFromAsync(AccountTestKit.RandomIp(130 + i));
            var response = await visitor.PostFormAsync("/account/register", ("Input.Email", email), ("Input.DisplayName", "Someone " + i),
                ("Input.Password", BackstageFactory.Password), ("Input.ConfirmPassword", BackstageFactory.Password));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/check-email", response.Headers.Location!.OriginalString);
        }
        await factory.RunJobsAsync();
        Assert.Single(await factory.Mail!.MessagesToAsync(email), m => m.Subject.Contains("register", StringComparison.OrdinalIgnoreCase));
    }
}
