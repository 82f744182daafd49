using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Newsletter;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Newsletter;

/// <summary>
/// Composing in the studio, sending through the job queue to a real maildev, and reading the messages back: headers,
/// parts, images, the public rules at send time, exactly once across a node that dies, batches, the size limit, the archive.
/// </summary>
public sealed class NewsletterSendingTests(NewsletterFactory factory) : IClassFixture<NewsletterFactory>
{
    private const string EditUrl = "/studio/newsletters/edit";

    /// <summary>Presses the edit page's button named <paramref name="button"/> (its formaction, as a browser does) with the given fields.</summary>
    private static async Task<HttpResponseMessage> PressAsync(FormClient client, string pageUrl, string button, params (string Key, string Value)[] fields)
    {
        var page = await client.GetDocumentAsync(pageUrl);
        var b = page.QuerySelectorAll("button").Single(x => x.TextContent.Trim() == button);
        var form = b.Closest("form")!;
        var action = b.GetAttribute("formaction") is { Length: > 0 } fa ? fa : form.GetAttribute("action") is { Length: > 0 } a ? a : pageUrl;
        var list = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();
        if (page.QuerySelector("input[name='Input.Version']")?.GetAttribute("value") is { } v && list.All(f => f.Key != "Input.Version"))
            list.Add(new("Input.Version", v));
        return await client.PostFormAsync(pageUrl, list, action);
    }

    private Task<NewsletterIssue> IssueAsync(string subject) =>
        factory.WithDbAsync(db => db.Set<NewsletterIssue>().AsNoTracking().SingleAsync(i => i.Subject == subject));

    [Fact]
    public async Task A_sent_issue_has_one_click_headers_a_text_part_sized_images_and_only_photos_readers_may_see_at_send_time()
    {
        var show = await factory.CreateShowAsync("Mugler");
        var photos = await factory.AddPhotosAsync(show, 9);
        var takenDownLater = photos[2];
        await factory.WithDbAsync(async db =>
        {
            var ps = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync();
            foreach (var p in ps.Skip(1)) p.PublishedAt = DateTimeOffset.UtcNow; // photo 1 stays unpublished
            ps[1].NotInNewsletters = true;                                         // photo 2 is on the site, never in a newsletter
            await db.SaveChangesAsync();
        });
        var (list, readers) = await factory.SubscribersAsync(3, "reader");
        var editor = await factory.ClientAsync(Roles.Editor);
        var subject = "Mugler backstage " + Guid.NewGuid().ToString("N")[..6];

        var studio = await editor.GetDocumentAsync("/studio");
        Assert.Contains(studio.QuerySelectorAll("nav a"), a => a.TextContent.Trim() == "Newsletters");
        var newIssue = (await editor.GetDocumentAsync("/studio/newsletters")).QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "New issue").GetAttribute("href")!;
        var saved = await PressAsync(editor, newIssue, "Save", ("Input.Subject", subject), ("Input.Intro", "The **night before**: see [all shows](/shows)."),
            ("Input.ShowIds", show.Id.ToString()), ("Input.ListIds", list.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var issueUrl = saved.Headers.Location!.OriginalString;
        var issue = await IssueAsync(subject);

        // Preview: the email itself in the browser, the photos readers may see now (not 1, unpublished, nor 2, not in newsletters).
        var preview = await editor.Http.GetAsync($"/studio/newsletters/preview/{issue.Id}");
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Contains("style-src 'unsafe-inline'", preview.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(photos.Skip(2).Take(6).Select(p => p.Id), NewsletterMail.MediaPhotoIds(previewHtml));

        // A test to the editor.
        var test = await PressAsync(editor, issueUrl, "Send a test to me", ("Input.Subject", subject), ("Input.ShowIds", show.Id.ToString()), ("Input.ListIds", list.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
        await factory.RunJobsAsync();
        Assert.Single(await factory.Mail!.MessagesAsync("[Test] " + subject), m => m.To == editor.Email);

        // A photo is taken down between composing and sending.
        await factory.WithScopeAsync(sp => sp.GetRequiredService<Takedown>().TakeDownAsync(show.Id, [takenDownLater.Id], TakedownReason.ModelRequest, null, Actor.System, default));

        var send = await PressAsync(editor, issueUrl, "Send", ("Input.Subject", subject), ("Input.Intro", "The **night before**: see [all shows](/shows)."),
            ("Input.ShowIds", show.Id.ToString()), ("Input.ListIds", list.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, send.StatusCode);
        var logged = await factory.WithDbAsync(db => db.Set<StudioAuditEntry>().AsNoTracking().SingleAsync(e => e.SubjectKind == "newsletter" && e.What == "Newsletter: " + subject));
        Assert.Equal(StudioActions.NewsletterSend, logged.Action);
        Assert.Equal(editor.Email, logged.Actor);
        await factory.RunSendsAsync();

        var messages = (await factory.Mail!.MessagesAsync(subject)).Where(m => !m.Subject.StartsWith("[Test]")).ToList();
        Assert.Equal(readers.Order(), messages.Select(m => m.To).Order());
        foreach (var m in messages)
        {
            Assert.StartsWith("<https://backstage.example/newsletter/unsubscribe?token=", m.Headers["list-unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", m.Headers["list-unsubscribe-post"]);
            Assert.Contains("See all 7 photos", m.Text);
            Assert.Contains("Unsubscribe: https://backstage.example/newsletter/leave?token=", m.Text);
            Assert.Contains("Manage or delete your subscription: https://backstage.example/newsletter/manage?token=", m.Text);
            Assert.True(Encoding.UTF8.GetByteCount(m.Html) < EmailRenderer.WarnBytes, $"{Encoding.UTF8.GetByteCount(m.Html)} bytes");
            var doc = FormClient.Parse(m.Html);
            var imgs = doc.QuerySelectorAll("img").ToList();
            Assert.Equal(6, imgs.Count);
            Assert.All(imgs, img =>
            {
                Assert.True(int.Parse(img.GetAttribute("width")!) > 0);
                Assert.True(int.Parse(img.GetAttribute("height")!) > 0);
                Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("alt")));
                Assert.StartsWith("https://backstage.example/media/", img.GetAttribute("src"));
                Assert.EndsWith(".jpg", img.GetAttribute("src"));
            });
            // Not the unpublished photo, not the one kept out of newsletters, not the one taken down after composing.
            Assert.Equal(photos.Skip(3).Take(6).Select(p => p.Id), NewsletterMail.MediaPhotoIds(m.Html));
            Assert.All(doc.QuerySelectorAll("a[href]"), a => Assert.StartsWith("https://backstage.example/", a.GetAttribute("href")));
            Assert.Contains("Photo: Camille Martin / Backstage Pictures", m.Html);
            Assert.Null(doc.QuerySelector("style:not(#mobile)")); // inlined
            Assert.NotNull(doc.QuerySelector("table[role=presentation] td[style]"));
            Assert.Contains("href=\"https://backstage.example/shows\"", m.Html); // the intro's relative link made absolute
        }

        // The studio list: sent, counts.
        issue = await IssueAsync(subject);
        Assert.Equal(NewsletterIssueState.Sent, issue.State);
        var row = (await editor.GetDocumentAsync("/studio/newsletters")).QuerySelector($"tr[data-issue='{issue.Id}']")!;
        Assert.StartsWith("Sent", row.QuerySelector(".status")!.TextContent.Trim());
        Assert.Equal("3", row.QuerySelectorAll("td")[2].TextContent.Trim());

        // One-click unsubscribe exactly as Gmail does it: POST the header's URL with only the RFC 8058 body.
        var oneClick = messages[0].Headers["list-unsubscribe"].Trim('<', '>').Replace("https://backstage.example", "");
        var gmail = await factory.Anonymous().PostAsync(oneClick, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, gmail.StatusCode);
        Assert.Equal(SubscriberState.Unsubscribed, await factory.WithDbAsync(db => db.Set<Subscriber>().Where(s => s.Email == messages[0].To).Select(s => s.State).SingleAsync()));
        row = (await editor.GetDocumentAsync("/studio/newsletters")).QuerySelector($"tr[data-issue='{issue.Id}']")!;
        Assert.Equal("1", row.QuerySelectorAll("td")[5].TextContent.Trim());

        // "View in your browser" opens the public web version; the archive and the sitemap list it.
        var web = FormClient.Parse(messages[1].Html).QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "View in your browser").GetAttribute("href")!;
        Assert.Equal($"https://backstage.example/newsletter/{issue.Slug}", web);
        var webVersion = await factory.Anonymous().GetAsync($"/newsletter/{issue.Slug}");
        Assert.Equal(HttpStatusCode.OK, webVersion.StatusCode);
        var webHtml = await webVersion.Content.ReadAsStringAsync();
        Assert.Contains(subject, webHtml);
        Assert.DoesNotContain("token=", webHtml);
        Assert.Equal(photos.Skip(3).Take(6).Select(p => p.Id), NewsletterMail.MediaPhotoIds(webHtml));
        var archive = FormClient.Parse(await factory.Anonymous().GetStringAsync("/newsletter"));
        Assert.Contains(archive.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"/newsletter/{issue.Slug}" && a.TextContent.Trim() == subject);
        var sitemap = await factory.Anonymous().GetStringAsync("/sitemap.xml");
        Assert.Contains($"https://backstage.example/newsletter/{issue.Slug}</loc>", sitemap);
        Assert.Contains("https://backstage.example/newsletter</loc>", sitemap);

        // The visible "Unsubscribe" link: a page with one button; opening it changes nothing.
        var leave = new Uri(FormClient.Parse(messages[1].Html).QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Unsubscribe").GetAttribute("href")!).PathAndQuery;
        var visitor = factory.NewFormClient();
        await visitor.GetDocumentAsync(leave);
        Assert.Equal(SubscriberState.Confirmed, await factory.WithDbAsync(db => db.Set<Subscriber>().Where(s => s.Email == messages[1].To).Select(s => s.State).SingleAsync()));
        var left = await visitor.PostFormAsync(leave, ("Token", Uri.UnescapeDataString(leave[(leave.IndexOf("token=", StringComparison.Ordinal) + 6)..])));
        Assert.Contains("will get no more newsletters", await left.Content.ReadAsStringAsync());
        Assert.Equal(SubscriberState.Unsubscribed, await factory.WithDbAsync(db => db.Set<Subscriber>().Where(s => s.Email == messages[1].To).Select(s => s.State).SingleAsync()));
        var manage = new Uri(FormClient.Parse(messages[2].Html).QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Manage or delete your subscription").GetAttribute("href")!).PathAndQuery;
        Assert.Contains(messages[2].To, (await visitor.GetDocumentAsync(manage)).Body!.TextContent);
    }

    [Fact]
    public async Task An_issue_over_102_KB_is_refused_with_Gmails_reason_and_the_form_keeps_what_was_typed()
    {
        var show = await factory.CreateShowAsync("Chanel");
        var (list, _) = await factory.SubscribersAsync(1, "big");
        var editor = await factory.ClientAsync(Roles.Editor);
        var subject = "Too big " + Guid.NewGuid().ToString("N")[..6];
        var intro = new string('&', 20000); // each one is "&amp;" in the HTML: about 100 KB on its own
        var answer = await PressAsync(editor, EditUrl, "Send", ("Input.Subject", subject), ("Input.Intro", intro), ("Input.ShowIds", show.Id.ToString()), ("Input.ListIds", list.ToString()));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = FormClient.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Contains("Gmail clips messages over about 102 KB: remove a story or photos", page.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal(subject, page.QuerySelector("input[name='Input.Subject']")!.GetAttribute("value"));
        Assert.Equal(intro, ((IHtmlTextAreaElement)page.QuerySelector("textarea[name='Input.Intro']")!).Value);
        Assert.True(page.QuerySelectorAll("input[name='Input.ShowIds']").OfType<IHtmlInputElement>().Single(i => i.Value == show.Id.ToString()).IsChecked);
        var issue = await IssueAsync(subject);
        Assert.Equal(NewsletterIssueState.Draft, issue.State);
        Assert.False(await factory.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == NewsletterSendHandler.JobKind && j.Payload == issue.Id.ToString())));
        Assert.Contains(EmailRenderer.TooBigMessage, (await editor.GetDocumentAsync($"{EditUrl}/{issue.Id}")).QuerySelector("#issue-size")!.TextContent);
    }

    /// <summary>What a node's death looks like to the queue: the handler stops between two messages and nobody completes or fails the job.</summary>
    private sealed class NodeDied : Exception;

    [Fact]
    public async Task A_node_that_dies_mid_send_leaves_every_subscriber_exactly_one_message_after_another_node_resumes()
    {
        var show = await factory.CreateShowAsync("Loewe");
        var (list, emails) = await factory.SubscribersAsync(4, "once");
        var subject = "Exactly once " + Guid.NewGuid().ToString("N")[..6];
        var issueId = await SendViaDeskAsync(subject, show.Id, list);

        // Node A claims the send with a short lease and dies after its second message.
        var job = await factory.Queue.ClaimAsync("node-a", TimeSpan.FromSeconds(1), kind: NewsletterSendHandler.JobKind);
        Assert.NotNull(job);
        var hook = factory.Services.GetRequiredService<NewsletterSendHook>();
        hook.AfterMessage = (_, sent, _) => sent == 2 ? throw new NodeDied() : Task.CompletedTask;
        try
        {
            await Assert.ThrowsAsync<NodeDied>(() => factory.WithScopeAsync(async sp =>
            {
                var handler = sp.GetServices<IJobHandler>().Single(h => h.Kind == NewsletterSendHandler.JobKind);
                await handler.RunAsync(job!, CancellationToken.None);
                return 0;
            }));
        }
        finally { hook.AfterMessage = null; }
        var states = await factory.WithDbAsync(db => db.Set<NewsletterDelivery>().Where(d => d.IssueId == issueId).Select(d => d.State).ToListAsync());
        Assert.Equal(2, states.Count(s => s == DeliveryState.Sent));
        Assert.Equal(emails.Count - 2, states.Count(s => s == DeliveryState.Pending));

        // Node B, another app on the same database, takes the job over once A's lease ran out, and finishes.
        await using var b = factory.SecondNode();
        await b.InitializeAsync();
        for (var i = 0; !await b.Queue.RunOnceAsync("node-b", kind: NewsletterSendHandler.JobKind); i++)
        {
            Assert.True(i < 300, "node B never got the job after node A's lease ran out");
            await Task.Delay(100);
        }
        await b.RunSendsAsync("node-b");

        var messages = await factory.Mail!.MessagesAsync(subject);
        Assert.All(emails, e => Assert.Single(messages, m => m.To == e));
        Assert.Equal(emails.Count, messages.Count);
        var issue = await IssueAsync(subject);
        Assert.Equal(NewsletterIssueState.Sent, issue.State);
        Assert.Equal(emails.Count, issue.RecipientCount);
    }

    [Fact]
    public async Task A_send_goes_out_in_batches_per_minute_and_a_mail_outage_delays_it_and_loses_nothing()
    {
        var show = await factory.CreateShowAsync("Dior");
        var (list, emails) = await factory.SubscribersAsync(NewsletterFactory.PerMinute + 2, "batch");
        var subject = "Batches " + Guid.NewGuid().ToString("N")[..6];
        var issueId = await SendViaDeskAsync(subject, show.Id, list);
        var before = DateTimeOffset.UtcNow;
        await factory.RunSendsAsync();
        Assert.Equal(NewsletterFactory.PerMinute, (await factory.Mail!.MessagesAsync(subject)).Count);
        var issue = await IssueAsync(subject);
        Assert.Equal(NewsletterIssueState.Sending, issue.State);
        var editor = await factory.ClientAsync(Roles.Editor);
        var status = (await editor.GetDocumentAsync("/studio/newsletters")).QuerySelector($"tr[data-issue='{issueId}'] .status")!.TextContent.Trim();
        Assert.Equal($"Sending {NewsletterFactory.PerMinute} / {emails.Count}", status);
        var next = await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Kind == NewsletterSendHandler.JobKind && j.Payload == issueId.ToString() && j.State == JobState.Pending));
        Assert.True(next.RunAfter >= before.AddSeconds(50), $"the next batch is due at {next.RunAfter:O}, a minute after {before:O}");

        // The mail server goes away; the next batch comes due and fails without marking anything.
        await factory.Mail!.DisposeAsync();
        await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == next.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.RunAfter, DateTimeOffset.UtcNow)));
        Assert.True(await factory.Queue.RunOnceAsync("test-worker", kind: NewsletterSendHandler.JobKind)); // one attempt (retries here are immediate)
        var failed = await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == next.Id));
        Assert.Equal(JobState.Pending, failed.State);
        Assert.NotNull(failed.LastError);
        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<NewsletterDelivery>().CountAsync(d => d.IssueId == issueId && d.State == DeliveryState.Pending)));

        // It comes back: the retry delivers the rest, once each.
        var mail = await factory.StartMaildevAsync();
        await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == next.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.RunAfter, DateTimeOffset.UtcNow)));
        await factory.RunSendsAsync();
        Assert.Equal(2, (await mail.MessagesAsync(subject)).Count);
        Assert.Equal(NewsletterIssueState.Sent, (await IssueAsync(subject)).State);
        Assert.Equal(emails.Count, await factory.WithDbAsync(db => db.Set<NewsletterDelivery>().CountAsync(d => d.IssueId == issueId && d.State == DeliveryState.Sent)));
    }

    private Task<long> SendViaDeskAsync(string subject, int showId, int list) => factory.WithScopeAsync(async sp =>
    {
        var desk = sp.GetRequiredService<NewsletterDesk>();
        var saved = await desk.SaveAsync(null, new IssueFields(subject, "", [], [showId], [list], 0), Actor.System, default);
        Assert.True(saved.Ok, saved.Message);
        var sent = await desk.SendAsync(saved.Id!.Value, null, Actor.System, default);
        Assert.True(sent.Ok, sent.Message);
        return saved.Id!.Value;
    });
}
