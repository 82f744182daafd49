using System.Net;
using System.Text.RegularExpressions;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Membership;

/// <summary>Issue 9.2 and 9.3: no account enumeration at sign-in; throttles per address and per account in PostgreSQL; the owner gets past them by email.</summary>
public sealed partial class SignInTests(MailFactory factory) : IClassFixture<MailFactory>
{
    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""[^""]+""")] private static partial Regex Token();

    private static async Task<string> PageAsync(HttpResponseMessage response, string typedEmail) =>
        Token().Replace(await response.Content.ReadAsStringAsync(), "").Replace(typedEmail, "EMAIL");

    private static Task<HttpResponseMessage> TryAsync(FormClient client, string email, string password) =>
        client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", password));

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp());
        var known = await TryAsync(client, email, "not the password at all");
        var missing = await TryAsync(client, unknown, "not the password at all");
        Assert.Equal(known.StatusCode, missing.StatusCode);
        Assert.Equal(await PageAsync(known, email), await PageAsync(missing, unknown));

        // And after five failures each, the throttle answers both the same way too.
        for (var i = 0; i < 4; i++)
        {
            await TryAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp()), email, "wrong " + i);
            await TryAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp()), unknown, "wrong " + i);
        }
        var knownThrottled = await TryAsync(client, email, "again wrong");
        var missingThrottled = await TryAsync(client, unknown, "again wrong");
        Assert.Equal(HttpStatusCode.TooManyRequests, knownThrottled.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, missingThrottled.StatusCode);
        Assert.Equal(await PageAsync(knownThrottled, email), await PageAsync(missingThrottled, unknown));
    }

    [Fact]
    public async Task One_client_trying_many_emails_is_throttled_with_429_and_retry_after_keeping_the_email()
    {
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(101));
        for (var i = 0; i < ThrottleRule.SignInPerIp.Limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await TryAsync(client, $"guess-{i}-{Guid.NewGuid():N}@example.test", "password-guess")).StatusCode);
        var typed = $"one-more-{Guid.NewGuid():N}@example.test";
        var refused = await TryAsync(client, typed, "password-guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, (int)ThrottleRule.SignInPerIp.Window.TotalSeconds);
        var page = FormClient.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(typed, page.QuerySelector("input[name='Input.Email']")!.GetAttribute("value"));
        Assert.Contains("Too many failed sign-ins", page.QuerySelector(".errors")!.TextContent);

        // Another client is not affected.
        var email = await factory.CreateUserAsync(Roles.Reader);
        await (await factory.ClientFromAsync(AccountTestKit.RandomIp(102))).SignInAsync(email, BackstageFactory.Password);
    }

    [Fact]
    public async Task The_owner_of_a_throttled_account_signs_in_with_a_one_time_link_by_email()
    {
        var email = await factory.CreateUserAsync(Roles.Editor);
        for (var i = 0; i < ThrottleRule.SignInPerAccount.Limit; i++)
            await TryAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp()), email, "attacker guess " + i);
        var owner = await factory.ClientFromAsync(AccountTestKit.RandomIp());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TryAsync(owner, email, BackstageFactory.Password)).StatusCode);

        var login = await owner.GetDocumentAsync("/account/login");
        Assert.Contains(login.QuerySelectorAll("a"), a => a.TextContent.Trim() == "Email me a sign-in link");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostFormAsync("/account/sign-in-link", ("Email", email))).StatusCode);
        await factory.RunJobsAsync();
        var link = Maildev.LinkIn(await factory.Mail!.SingleAsync(email, "sign-in link"), "/account/sign-in-link");

        // Opening the link changes nothing (mail scanners follow links); its button signs in.
        var page = await owner.GetDocumentAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.Http.GetAsync("/studio")).StatusCode);
        var token = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!;
        var signedIn = await owner.PostFormAsync(link, [new("Token", token)], "/account/sign-in-link?handler=Redeem");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync("/studio")).StatusCode);

        // Once only.
        var thief = await factory.ClientFromAsync(AccountTestKit.RandomIp());
        var reused = await thief.PostFormAsync(link, [new("Token", token)], "/account/sign-in-link?handler=Redeem");
        Assert.Contains("expired or was already used", await reused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await thief.Http.GetAsync("/studio")).StatusCode);

        // The failed attempts were forgotten: the password works again.
        await (await factory.ClientFromAsync(AccountTestKit.RandomIp())).SignInAsync(email, BackstageFactory.Password);
    }

    [Fact]
    public async Task Registering_with_a_taken_address_answers_as_usual_and_tells_the_owner_by_email()
    {
        var taken = await factory.CreateUserAsync(Roles.Reader);
        var fresh = $"fresh-{Guid.NewGuid():N}@example.test";
        async Task<HttpResponseMessage> RegisterAsync(string email) =>
            await (await factory.ClientFromAsync(AccountTestKit.RandomIp())).PostFormAsync("/account/register", ("Input.Email", email),
                ("Input.DisplayName", "Marguerite"), ("Input.Password", "violet taxi under moonlight"), ("Input.ConfirmPassword", "violet taxi under moonlight"));
        var a = await RegisterAsync(taken);
        var b = await RegisterAsync(fresh);
        Assert.Equal(HttpStatusCode.Redirect, a.StatusCode);
        Assert.Equal(b.StatusCode, a.StatusCode);
        Assert.Equal(b.Headers.Location, a.Headers.Location);
        Assert.DoesNotContain(a.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("backstage.auth="));

        await factory.RunJobsAsync();
        Assert.Contains("already has one", (await factory.Mail!.SingleAsync(taken, "tried to register")).Text);
        Assert.Contains("/account/confirm-email", (await factory.Mail.SingleAsync(fresh, "Confirm your email")).Text);
    }

    [Fact]
    public async Task Registrations_from_one_address_are_throttled_keeping_what_was_typed()
    {
        var ip = AccountTestKit.RandomIp(103);
        HttpResponseMessage? last = null;
        string email = "";
        for (var i = 0; i <= ThrottleRule.RegisterPerIp.Limit; i++)
        {
            email = $"bulk-{i}-{Guid.NewGuid():N}@example.test";
            last = await (await factory.ClientFromAsync(ip)).PostFormAsync("/account/register", ("Input.Email", email),
                ("Input.DisplayName", "Bulk " + i), ("Input.Password", "violet taxi under moonlight"), ("Input.ConfirmPassword", "violet taxi under moonlight"));
            if (i < ThrottleRule.RegisterPerIp.Limit) Assert.Equal(HttpStatusCode.Redirect, last.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.Contains("Retry-After"));
        var page = FormClient.Parse(await last.Content.ReadAsStringAsync());
        Assert.Equal(email, page.QuerySelector("input[name='Input.Email']")!.GetAttribute("value"));
        Assert.Null(await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Users, u => u.Email == email)));
    }
}
