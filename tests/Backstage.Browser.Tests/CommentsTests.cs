using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

public sealed class CommentsTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private async Task<string> ArticleAsync() => await app.WithDbAsync(async db =>
    {
        var slug = "comments-" + Guid.NewGuid().ToString("N")[..10];
        db.Add(new Article { Title = "Backstage at Mugler " + slug[^4..], Slug = slug, Body = "Corsets and chrome.", Status = ArticleStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddHours(-1) });
        await db.SaveChangesAsync();
        return slug;
    });

    [Fact]
    public async Task Reader_comments_admin_approves_in_the_queue_and_an_anonymous_visitor_then_sees_it()
    {
        var slug = await ArticleAsync();
        var text = "The chrome corset stole the show " + Guid.NewGuid().ToString("N")[..6];

        // The reader posts with JavaScript: no reload, the comment appears marked as awaiting moderation.
        var reader = await app.NewPageAsync(await app.CreateUserAsync(Roles.Reader));
        await reader.GotoAsync($"/articles/{slug}");
        var navigations = 0;
        reader.FrameNavigated += (_, frame) => { if (frame == reader.MainFrame) navigations++; };
        await reader.GetByLabel("Your comment").FillAsync(text);
        await reader.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        var mine = reader.Locator("li.comment", new() { HasText = text });
        await Expect(mine).ToContainTextAsync("Awaiting moderation");
        await Expect(reader.Locator("[data-comment-status]")).ToContainTextAsync("awaiting moderation");
        await Expect(reader.GetByLabel("Your comment")).ToHaveValueAsync("");
        Assert.Equal(0, navigations);
        await BrowserFixture.ScreenshotAsync(reader, "comment-awaiting-moderation");

        // Posting again at once is refused, readably, and the text stays.
        await reader.GetByLabel("Your comment").FillAsync("Second thought");
        await reader.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await Expect(reader.Locator("[data-comment-error]")).ToContainTextAsync("too quickly");
        await Expect(reader.GetByLabel("Your comment")).ToHaveValueAsync("Second thought");

        // Anonymous visitors don't see it yet.
        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync($"/articles/{slug}");
        await Expect(visitor.GetByText(text)).ToHaveCountAsync(0);
        await Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Sign in to comment" })).ToBeVisibleAsync();

        // The admin sees the count in the navigation and approves it in the queue.
        var admin = await app.NewPageAsync(await app.CreateUserAsync(Roles.Admin));
        await admin.GotoAsync("/admin");
        await Expect(admin.Locator(".area-nav [data-pending-count]")).ToBeVisibleAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Moderation" }).ClickAsync();
        var row = admin.Locator("tr", new() { HasText = text });
        await Expect(row).ToContainTextAsync("Pending");
        await BrowserFixture.ScreenshotAsync(admin, "moderation-queue");
        // With JavaScript, "Select all" ticks every box in place (no reload), and again clears them.
        var url = admin.Url;
        var boxes = admin.Locator("form.moderation input[name=ids]");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Select all" }).ClickAsync();
        Assert.Equal(await boxes.CountAsync(), await admin.Locator("form.moderation input[name=ids]:checked").CountAsync());
        await admin.GetByRole(AriaRole.Button, new() { Name = "Select none" }).ClickAsync();
        await Expect(admin.Locator("form.moderation input[name=ids]:checked")).ToHaveCountAsync(0);
        Assert.Equal(url, admin.Url);
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved: 1 comment");
        await Expect(admin.Locator("tr", new() { HasText = text })).ToHaveCountAsync(0);

        // Now everyone sees it.
        await visitor.ReloadAsync();
        await Expect(visitor.Locator("li.comment", new() { HasText = text })).ToBeVisibleAsync();
        await Expect(visitor.Locator("li.comment", new() { HasText = text })).Not.ToContainTextAsync("Awaiting moderation");
        await BrowserFixture.ScreenshotAsync(visitor, "comment-approved");

        // Another reader reports it from the page, with a reason, without JavaScript tricks.
        var other = await app.NewPageAsync(await app.CreateUserAsync(Roles.Reader));
        await other.GotoAsync($"/articles/{slug}");
        var comment = other.Locator("li.comment", new() { HasText = text });
        await comment.Locator("summary", new() { HasText = "Report" }).ClickAsync();
        await comment.GetByLabel("Why are you reporting this comment?").FillAsync("off-topic");
        await comment.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Status).Filter(new() { HasText = "a moderator will look" })).ToBeVisibleAsync();
        await admin.GotoAsync("/moderation");
        await Expect(admin.Locator("tr", new() { HasText = text })).ToContainTextAsync("off-topic");

        await admin.GotoAsync("/admin/audit");
        await Expect(admin.Locator("tr[data-audit-action=approved]").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Without_javascript_the_form_posts_and_the_page_shows_the_held_comment()
    {
        var slug = await ArticleAsync();
        var email = await app.CreateUserAsync(Roles.Reader);
        var reader = await app.NewPageAsync(email, new BrowserNewContextOptions { JavaScriptEnabled = false });
        await reader.GotoAsync($"/articles/{slug}");
        var text = "No script needed " + Guid.NewGuid().ToString("N")[..6];
        await reader.GetByLabel("Your comment").FillAsync(text);
        await reader.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Status).Filter(new() { HasText = "awaiting moderation" })).ToBeVisibleAsync();
        await Expect(reader.Locator("li.comment", new() { HasText = text })).ToContainTextAsync("Awaiting moderation");
    }

    [Fact]
    public async Task Comment_section_and_moderation_queue_have_no_accessibility_violations()
    {
        var slug = await ArticleAsync();
        var reader = await app.NewPageAsync(await app.CreateUserAsync(Roles.Reader));
        await reader.GotoAsync($"/articles/{slug}");
        await reader.GetByLabel("Your comment").FillAsync("Accessible words " + Guid.NewGuid().ToString("N")[..6]);
        await reader.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await Expect(reader.Locator("li.comment")).ToHaveCountAsync(1);
        var section = await reader.Locator("#comments").RunAxe();
        Assert.True(section.Violations.Length == 0, string.Join("; ", section.Violations.Select(v => $"{v.Id}: {v.Help}")));

        var admin = await app.NewPageAsync(await app.CreateUserAsync(Roles.Admin));
        await admin.GotoAsync("/moderation");
        var queue = await admin.Locator("main").RunAxe();
        Assert.True(queue.Violations.Length == 0, string.Join("; ", queue.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }
}
