using System.Text.RegularExpressions;
using Backstage.Media;
using Backstage.Tests.Shared;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Galleries;
using Backstage.Web.Newsletter;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Membership;
using Backstage.Web.Tests.Newsletter;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

/// <summary>
/// The browser app with a real maildev behind its SMTP settings (web API first port, SMTP second). The app's own job
/// workers send the mail, as in production.
/// </summary>
public sealed class NewsletterBrowserFixture : BrowserFixture
{
    public Maildev Mail { get; private set; } = null!;
    private int _smtpPort;

    public override async Task InitializeAsync()
    {
        var service = await NpmService.StartAsync("maildev",
            p => ["--web", p[0], "--smtp", p[1], "--ip", "127.0.0.1", "--web-ip", "127.0.0.1"], ports: 2);
        _smtpPort = service.Ports[1];
        Mail = new Maildev(service);
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Email:Host", "127.0.0.1");
        builder.UseSetting("Backstage:Email:Port", _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Backstage:Email:Security", "None");
        builder.UseSetting("Backstage:Email:From", "desk@backstage.example");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

/// <summary>
/// Subscribe → confirm → receive an issue the editor sends from the studio → unsubscribe, in Chromium, with JavaScript
/// on and off. Mail links name PublicBaseUrl (port 80), so the test opens their path and query on the test server.
/// </summary>
public sealed partial class NewsletterTests(NewsletterBrowserFixture app) : IClassFixture<NewsletterBrowserFixture>
{
    [GeneratedRegex(@"https?://127\.0\.0\.1(/newsletter/confirm\?token=[^\s""<]+)")] private static partial Regex ConfirmLink();

    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    private Task<Subscriber?> SubscriberAsync(string email) =>
        app.WithDbAsync(db => db.Set<Subscriber>().AsNoTracking().SingleOrDefaultAsync(s => s.Email == email));

    /// <summary>Waits (the app's job workers send) for the message to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    private async Task<MailMessage> MailAsync(string to, string subject)
    {
        for (var i = 0; i < 180; i++)
        {
            if ((await app.Mail.MessagesAsync(subject)).FirstOrDefault(m => m.To.Equals(to, StringComparison.OrdinalIgnoreCase)) is { } m) return m;
            await Task.Delay(500);
        }
        throw new TimeoutException($"no message \"{subject}\" to {to} in maildev");
    }

    /// <summary>A live show with <paramref name="count"/> published, credited, described photos, rendered by the app's own workers.</summary>
    private async Task<Backstage.Web.Shows.Show> ShowWithPhotosAsync(string designer, int count)
    {
        var show = await app.LiveShowAsync(designer);
        var dir = Directory.CreateTempSubdirectory("newsletter-browser-").FullName;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var file = Path.Combine(dir, $"look-{i + 1}.jpg");
                DemoImages.WriteJpeg(file, seed: 700 + i, width: 900, height: 600);
                var outcome = await app.WithScopeAsync(async sp =>
                {
                    await using var stream = File.OpenRead(file);
                    return await sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"look-{i + 1}.jpg", stream, CancellationToken.None);
                });
                Assert.True(outcome.Ok, outcome.Message);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        for (var i = 0; i < 240 && await app.WithDbAsync(db => db.Set<Photo>().CountAsync(p => p.ShowId == show.Id && p.Status == PhotoStatus.Ready)) < count; i++)
            await Task.Delay(500);
        await app.WithDbAsync(async db =>
        {
            var photos = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync();
            Assert.Equal(count, photos.Count(p => p.Status == PhotoStatus.Ready));
            for (var i = 0; i < photos.Count; i++)
            {
                photos[i].AltText = $"Look {i + 1} at {designer}, backstage before the finale";
                photos[i].Credit = "Camille Martin";
                photos[i].Agency = "Backstage Pictures";
                photos[i].PublishedAt = DateTimeOffset.UtcNow;
            }
            await db.SaveChangesAsync();
        });
        return show;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reader_subscribes_confirms_receives_the_issue_the_editor_sends_and_unsubscribes(bool javaScript)
    {
        // Names differ between the two runs (they share the app, its database and maildev) and read well in the README's screenshot.
        var tag = Guid.NewGuid().ToString("N")[..6];
        var designer = javaScript ? "Margiela" : "Rabanne";
        const string List = "Fashion week daily"; // the first list: ticked on the form and on a new issue
        var articleSlug = "newsletter-" + tag;
        var articleTitle = javaScript ? "Backstage at Schiaparelli" : "Backstage at Dior";
        await app.WithDbAsync(async db =>
        {
            db.Add(new Article { Title = articleTitle, Slug = articleSlug, Body = "Gold, surrealism and a very long night.", Status = ArticleStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddHours(-1) });
            await db.SaveChangesAsync();
        });
        var show = await ShowWithPhotosAsync(designer, 8);
        var email = $"reader-{tag}@example.test";
        var options = () => new BrowserNewContextOptions { JavaScriptEnabled = javaScript };

        // The reader subscribes from a show page (JavaScript on) or an article page (off): the cached page's GET form
        // opens the subscribe page, whose POST subscribes.
        var reader = await app.NewPageAsync(options: options());
        await reader.GotoAsync(javaScript ? $"/shows/{show.Slug}" : $"/articles/{articleSlug}");
        var signup = reader.Locator("section.newsletter-signup");
        await Expect(signup).ToContainTextAsync("No tracking pixels and no rewritten links");
        await signup.GetByLabel("Email").FillAsync(email);
        await signup.GetByRole(AriaRole.Button, new() { Name = "Subscribe to the newsletter" }).ClickAsync();
        await reader.WaitForURLAsync(u => u.Contains("/newsletter/subscribe"), new() { WaitUntil = WaitUntilState.Commit });
        var form = reader.Locator("form[method=post]", new() { Has = reader.GetByRole(AriaRole.Button, new() { Name = "Subscribe to the newsletter" }) });
        await Expect(form.GetByLabel("Email")).ToHaveValueAsync(email);
        await Expect(form.GetByLabel(List)).ToBeCheckedAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Subscribe to the newsletter" }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Status)).ToContainTextAsync("Nothing is sent until you do");
        Assert.Equal(SubscriberState.Pending, (await SubscriberAsync(email))!.State);

        // The confirmation mail: opening its link confirms nothing; "Confirm my subscription" does.
        var confirmation = await MailAsync(email, "Confirm your Backstage newsletter subscription");
        var confirmPath = ConfirmLink().Match(confirmation.Text).Groups[1].Value;
        Assert.NotEqual("", confirmPath);
        await reader.GotoAsync(confirmPath);
        Assert.Equal(SubscriberState.Pending, (await SubscriberAsync(email))!.State);
        await reader.GetByRole(AriaRole.Button, new() { Name = "Confirm my subscription" }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Status)).ToContainTextAsync("your subscription is confirmed");
        Assert.Equal(SubscriberState.Confirmed, (await SubscriberAsync(email))!.State);

        // The editor composes the issue in the studio: "Newsletters", "New issue", an article and the show, to "Fashion week daily".
        var editor = await app.NewPageAsync(await app.CreateUserAsync(Roles.Editor), options());
        // The email's absolute links name port 80 (PublicBaseUrl): serve them from the test server so the preview shows its photos.
        await editor.Context.RouteAsync(u => u.StartsWith("http://127.0.0.1/", StringComparison.Ordinal),
            route => route.ContinueAsync(new() { Url = app.BaseUrl + PathOf(route.Request.Url) }));
        editor.Dialog += (_, dialog) => dialog.AcceptAsync(); // "Send this issue to every subscriber…?" (data-confirm, with JavaScript)
        await editor.GotoAsync("/studio");
        await editor.GetByRole(AriaRole.Link, new() { Name = "Newsletters", Exact = true }).First.ClickAsync();
        await editor.GetByRole(AriaRole.Link, new() { Name = "New issue" }).ClickAsync();
        var subject = $"The morning after {designer}";
        await editor.GetByLabel("Subject").FillAsync(subject);
        await editor.GetByLabel("Intro (Markdown, optional)").FillAsync($"**Last night in Paris**: {designer} closed the day. Every look is in the [gallery](/shows/{show.Slug}).");
        await editor.GetByLabel(articleTitle).CheckAsync();
        await editor.GetByLabel($"At {designer}", new() { Exact = false }).CheckAsync();
        await Expect(editor.GetByLabel(List)).ToBeCheckedAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(editor.Locator("#issue-state")).ToContainTextAsync("Draft");
        var issueUrl = editor.Url;

        // "Preview": the email itself, with the show's photos (width, height, alt) and their credit.
        await editor.Locator("#issue-state").GetByRole(AriaRole.Link, new() { Name = "Preview" }).ClickAsync();
        await Expect(editor.GetByText(subject).First).ToBeVisibleAsync();
        var thumbs = editor.Locator("img[src*='/media/']");
        await Expect(thumbs).ToHaveCountAsync(6); // at most 6 per gallery, then "See all 8 photos"
        foreach (var img in await thumbs.AllAsync())
        {
            Assert.False(string.IsNullOrWhiteSpace(await img.GetAttributeAsync("alt")));
            Assert.True(await img.EvaluateAsync<bool>("i => i.complete && i.naturalWidth > 0"), "a preview photo did not load");
        }
        await Expect(editor.GetByText("Photo: Camille Martin / Backstage Pictures").First).ToBeVisibleAsync();
        if (javaScript)
        {
            await editor.SetViewportSizeAsync(760, 900);
            await BrowserFixture.ScreenshotAsync(editor, "newsletter-preview");
        }

        // "Send": the app's workers mail it.
        await editor.GotoAsync(issueUrl);
        await editor.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(editor.Locator("#issue-state")).Not.ToContainTextAsync("Draft");

        var issue = await MailAsync(email, subject);
        Assert.Equal("List-Unsubscribe=One-Click", issue.Headers["list-unsubscribe-post"]);
        Assert.StartsWith("<http://127.0.0.1/newsletter/unsubscribe?token=", issue.Headers["list-unsubscribe"]);
        Assert.Contains("See all 8 photos", issue.Text);
        var links = FormClient.Parse(issue.Html).QuerySelectorAll("a[href]").ToList();
        var unsubscribe = links.Single(a => a.TextContent.Trim() == "Unsubscribe").GetAttribute("href")!;
        Assert.StartsWith("http://127.0.0.1/newsletter/leave?token=", unsubscribe);

        // The visible "Unsubscribe" link: a page with one button, no sign-in.
        await reader.GotoAsync(PathOf(unsubscribe));
        Assert.Equal(SubscriberState.Confirmed, (await SubscriberAsync(email))!.State); // opening the link alone changes nothing
        await reader.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Status)).ToContainTextAsync($"{email} will get no more newsletters");
        Assert.Equal(SubscriberState.Unsubscribed, (await SubscriberAsync(email))!.State);

        // A next issue to the list is not mailed to the reader who left: the send finishes without them.
        var sub = (await SubscriberAsync(email))!;
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<NewsletterDelivery>().CountAsync(d => d.SubscriberId == sub.Id && d.State == DeliveryState.Sent)));
        var next = $"The week's best, after {designer}";
        await editor.GotoAsync("/studio/newsletters");
        await editor.GetByRole(AriaRole.Link, new() { Name = "New issue" }).ClickAsync();
        await editor.GetByLabel("Subject").FillAsync(next);
        await editor.GetByLabel(articleTitle).CheckAsync();
        await Expect(editor.GetByLabel(List)).ToBeCheckedAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        for (var i = 0; i < 180 && await app.WithDbAsync(db => db.Set<NewsletterIssue>().AnyAsync(x => x.Subject == next && x.State != NewsletterIssueState.Sent)); i++)
            await Task.Delay(500);
        Assert.Equal(NewsletterIssueState.Sent, await app.WithDbAsync(db => db.Set<NewsletterIssue>().Where(x => x.Subject == next).Select(x => x.State).SingleAsync()));
        Assert.DoesNotContain(await app.Mail.MessagesAsync(next), m => m.To.Equals(email, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<NewsletterDelivery>().CountAsync(d => d.SubscriberId == sub.Id && d.State == DeliveryState.Sent)));
        await reader.Context.CloseAsync();
        await editor.Context.CloseAsync();
    }
}
