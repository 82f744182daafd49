using System.Net;
using Backstage.Web.Newsletter;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Membership;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Newsletter;

/// <summary>Double opt-in subscribing and RFC 8058 one-click unsubscribing, through the real app, PostgreSQL and maildev.</summary>
public sealed class SubscribeTests(MailFactory factory) : IClassFixture<MailFactory>
{
    private Task<Subscriber?> SubscriberAsync(string email) =>
        factory.WithDbAsync(db => db.Set<Subscriber>().AsNoTracking().SingleOrDefaultAsync(s => s.Email == email));

    /// <summary>Fills in the cached page's GET form, then posts the uncached page's form with its antiforgery token.</summary>
    private static async Task<HttpResponseMessage> SubscribeAsync(FormClient client, string fromPage, string email)
    {
        var page = await client.GetDocumentAsync(fromPage);
        var form = page.QuerySelectorAll("form").Single(f => f.QuerySelector("button")?.TextContent.Trim() == "Subscribe to the newsletter");
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Contains("No tracking pixels and no rewritten links", form.TextContent);
        var lists = form.QuerySelectorAll("input[name=Lists]").Select(i => i.GetAttribute("value")!).ToList();
        var query = $"{form.GetAttribute("action")}?Email={Uri.EscapeDataString(email)}&" + string.Join("&", lists.Select(l => "Lists=" + l));
        return await client.PostFormAsync(query, [new("Email", email), .. lists.Select(l => new KeyValuePair<string, string>("Lists", l))], "/newsletter/subscribe");
    }

    [Fact]
    public async Task Subscribing_from_an_article_needs_the_confirm_button_and_one_click_unsubscribes_as_Gmail_posts()
    {
        var article = await factory.CreateArticleAsync();
        var email = $"news-{Guid.NewGuid():N}@example.test";
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(141));
        var home = await client.GetDocumentAsync("/");
        Assert.Contains("Fashion week daily", home.QuerySelector("form[action='/newsletter/subscribe']")!.TextContent);
        Assert.Contains("The week's best backstage", home.QuerySelector("form[action='/newsletter/subscribe']")!.TextContent);

        var answer = await SubscribeAsync(client, $"/articles/{article.Slug}", email);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var text = FormClient.Parse(await answer.Content.ReadAsStringAsync()).QuerySelector("[role=status]")!.TextContent;
        var s = await SubscriberAsync(email);
        Assert.Equal(SubscriberState.Pending, s!.State);
        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<NewsletterSubscription>().CountAsync(x => x.SubscriberId == s.Id)));

        await factory.RunJobsAsync();
        var link = Maildev.LinkIn(await factory.Mail!.SingleAsync(email, "Confirm your Backstage newsletter subscription"), "/newsletter/confirm");
        // Opening the link (what a scanner does) confirms nothing; the button does.
        var confirmPage = await client.GetDocumentAsync(link);
        Assert.NotNull(confirmPage.QuerySelectorAll("button").SingleOrDefault(b => b.TextContent.Trim() == "Confirm my subscription"));
        Assert.Equal(SubscriberState.Pending, (await SubscriberAsync(email))!.State);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var confirmed = await client.PostFormAsync(link, ("Token", token));
        Assert.Contains("subscription is confirmed", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal(SubscriberState.Confirmed, (await SubscriberAsync(email))!.State);

        // Exactly what Gmail sends for RFC 8058: a POST with the form body, no cookie, no antiforgery token.
        var wrongBody = await factory.Anonymous().PostAsync($"/newsletter/unsubscribe?token={Uri.EscapeDataString(token)}", new FormUrlEncodedContent([new("x", "y")]));
        Assert.Equal(HttpStatusCode.BadRequest, wrongBody.StatusCode);
        var oneClick = await factory.Anonymous().PostAsync($"/newsletter/unsubscribe?token={Uri.EscapeDataString(token)}",
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(SubscriberState.Unsubscribed, (await SubscriberAsync(email))!.State);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().PostAsync("/newsletter/unsubscribe?token=forged",
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(text));
    }

    [Fact]
    public async Task The_answer_is_the_same_for_a_subscribed_address_and_requests_are_throttled_per_address()
    {
        var email = $"again-{Guid.NewGuid():N}@example.test";
        var first = await SubscribeAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp(142)), "/", email);
        var firstText = FormClient.Parse(await first.Content.ReadAsStringAsync()).QuerySelector("[role=status]")!.TextContent;
        await factory.WithDbAsync(db => db.Set<Subscriber>().Where(s => s.Email == email)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SubscriberState.Confirmed)));
        var second = await SubscribeAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp(143)), "/", email.ToUpperInvariant());
        var secondText = FormClient.Parse(await second.Content.ReadAsStringAsync()).QuerySelector("[role=status]")!.TextContent;
        Assert.Equal(firstText.Replace(email, "X"), secondText.Replace(email.ToUpperInvariant(), "X"));
        Assert.Equal(SubscriberState.Confirmed, (await SubscriberAsync(email))!.State);

        await SubscribeAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp(144)), "/", email);
        var fourth = await SubscribeAsync(await factory.ClientFromAsync(AccountTestKit.RandomIp(145)), "/", email);
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal(email, FormClient.Parse(await fourth.Content.ReadAsStringAsync()).QuerySelector("input[name=Email]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task The_database_refuses_a_second_delivery_of_one_issue_to_one_subscriber()
    {
        var email = $"once-{Guid.NewGuid():N}@example.test";
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => factory.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var s = new Subscriber { Email = email, TokenHash = Guid.NewGuid().ToString("N"), CreatedAt = now, StateChangedAt = now };
            var issue = new NewsletterIssue { Slug = "once-" + Guid.NewGuid().ToString("N"), Subject = "Once", CreatedAt = now, UpdatedAt = now };
            db.AddRange(s, issue);
            await db.SaveChangesAsync();
            db.Add(new NewsletterDelivery { IssueId = issue.Id, SubscriberId = s.Id, CreatedAt = now });
            db.Add(new NewsletterDelivery { IssueId = issue.Id, SubscriberId = s.Id, CreatedAt = now });
            await db.SaveChangesAsync();
            return 0;
        }));
        Assert.Contains("newsletter_deliveries", ex.InnerException!.Message);
    }
}
