using Backstage.Web.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

public sealed class PublishingTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Editor_writes_and_publishes_an_article_that_an_anonymous_reader_then_sees()
    {
        var editor = await app.CreateUserAsync(Roles.Editor);
        var page = await app.NewPageAsync(editor);
        var title = "Backstage at Rochas " + Guid.NewGuid().ToString("N")[..6];

        await page.GotoAsync("/studio/articles/edit");
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Standfirst").FillAsync("Hairspray and safety pins.");
        await page.GetByLabel("Body").FillAsync("The **last** minutes before the walk.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Published");

        var reader = await app.NewPageAsync();
        await reader.GotoAsync("/");
        await reader.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Expect(reader.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Expect(reader.Locator(".article-body strong")).ToHaveTextAsync("last");
        await BrowserFixture.ScreenshotAsync(reader, "published-article");
    }
}
