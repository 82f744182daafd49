using Backstage.Web.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

public sealed class GalleryTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Editor_uploads_credits_and_publishes_a_gallery_that_an_anonymous_reader_sees_with_picture_sources()
    {
        var show = await app.LiveShowAsync("Schiaparelli");
        var (dir, files) = BrowserFixture.WriteJpegs("IMG", 3, seed: 500);
        File.WriteAllText(Path.Combine(dir, "IMG_0412.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");

        var editor = await app.NewPageAsync(await app.CreateUserAsync(Roles.Editor));
        await editor.GotoAsync($"/studio/shows/{show.Id}/gallery");
        await editor.Locator("#gallery-files").SetInputFilesAsync(files.Append(Path.Combine(dir, "IMG_0412.svg")));
        await editor.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        // gallery-upload.js sends the files one by one and reports each.
        await Expect(editor.Locator("#gallery-upload-progress li.ok")).ToHaveCountAsync(3);
        await Expect(editor.Locator("#gallery-upload-progress li.refused")).ToContainTextAsync("IMG_0412.svg: not a supported image (looks like SVG)");

        await BrowserFixture.WaitForReadyAsync(editor, show.Id, 3);

        // Bulk credit, then alt text for each.
        foreach (var box in await editor.Locator("input[type=checkbox][name$='.Selected']").AllAsync()) await box.CheckAsync();
        await editor.Locator("input[name=BulkCredit]").FillAsync("Camille Martin");
        await editor.Locator("input[name=BulkAgency]").FillAsync("Backstage Pictures");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Credit selected" }).ClickAsync();
        await Expect(editor.Locator(".flash, [role=status]").First).ToContainTextAsync("Credited 3 photos");
        var alts = await editor.Locator("textarea[name$='.AltText']").AllAsync();
        for (int i = 0; i < alts.Count; i++) await alts[i].FillAsync($"Backstage moment number {i + 1}");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save all" }).ClickAsync();
        await Expect(editor.Locator(".flash, [role=status]").First).ToContainTextAsync("Saved the gallery");
        await BrowserFixture.ScreenshotAsync(editor, "gallery-studio");

        // Drag the last photo to the front by its picture, then save: the gallery keeps the new order.
        var cards = editor.Locator(".photo-grid .photo-card");
        var lastId = await cards.Nth(2).GetAttributeAsync("data-photo-id");
        // The drag events a browser fires for the gesture (headless Chromium here does not start native drags from
        // synthetic mouse input), dropped on the left half of the first card.
        var transfer = await editor.EvaluateHandleAsync("() => new DataTransfer()");
        var to = (await cards.Nth(0).BoundingBoxAsync())!;
        var source = cards.Nth(2).Locator(".photo-thumb");
        await source.DispatchEventAsync("dragstart", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await cards.Nth(0).DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await cards.Nth(0).DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer, ["clientX"] = (int)to.X + 5, ["clientY"] = (int)to.Y + 5 });
        await source.DispatchEventAsync("dragend", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await Expect(cards.Nth(0)).ToHaveAttributeAsync("data-photo-id", lastId!);
        await Expect(cards.Nth(0).Locator(".photo-head strong")).ToHaveTextAsync("1.");
        await Expect(editor.Locator("#gallery-order-status")).ToContainTextAsync("not saved yet");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save all" }).ClickAsync();
        await Expect(editor.Locator(".flash, [role=status]").First).ToContainTextAsync("Saved the gallery");
        await Expect(editor.Locator(".photo-grid .photo-card").First).ToHaveAttributeAsync("data-photo-id", lastId!);
        await Expect(editor.Locator("textarea[name='Items[0].AltText']")).ToHaveValueAsync("Backstage moment number 3");

        var title = "Schiaparelli backstage " + Guid.NewGuid().ToString("N")[..6];
        await editor.GotoAsync("/studio/articles/edit");
        await editor.GetByLabel("Title").FillAsync(title);
        await editor.GetByLabel("Body").FillAsync($"Gold and surrealism.\n\n::: gallery {show.Slug}\n");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Expect(editor.GetByRole(AriaRole.Status)).ToContainTextAsync("Published");
        // Publishing the article publishes none of its photos: the gate says so and offers the explicit button.
        await Expect(editor.Locator(".embed-notices")).ToContainTextAsync($"3 photos of At Schiaparelli are unpublished (3 ready to publish)");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Publish its ready photos too" }).ClickAsync();
        await Expect(editor.GetByRole(AriaRole.Status)).ToContainTextAsync("Published 3 photo(s)");

        var reader = await app.NewPageAsync();
        await reader.GotoAsync("/");
        await reader.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        var figures = reader.Locator("figure.gallery-photo");
        await Expect(figures).ToHaveCountAsync(3);
        // AVIF follows the Ready set in a background-priority job; its end evicts the page, so a reload shows it.
        var avif = reader.Locator("figure.gallery-photo picture source[type='image/avif']");
        for (var until = DateTime.UtcNow.AddSeconds(90); await avif.CountAsync() < 3 && DateTime.UtcNow < until; await reader.ReloadAsync())
            await Task.Delay(500);
        await Expect(avif).ToHaveCountAsync(3);
        await Expect(reader.Locator("figure.gallery-photo picture source[type='image/webp']")).ToHaveCountAsync(3);
        await Expect(figures.First.Locator(".credit")).ToHaveTextAsync("Photo: Camille Martin / Backstage Pictures");
        // Readers see the order the editor dragged into place.
        await Expect(figures.First.Locator("img")).ToHaveAttributeAsync("alt", "Backstage moment number 3");
        await Expect(figures.Nth(1).Locator("img")).ToHaveAttributeAsync("alt", "Backstage moment number 1");
        var first = figures.First.Locator("img");
        await first.ScrollIntoViewIfNeededAsync();
        await Expect(first).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await first.EvaluateAsync<int>("img => img.naturalWidth") > 0);
        await BrowserFixture.ScreenshotAsync(reader, "gallery-article");
        Directory.Delete(dir, recursive: true);
    }
}
