using Backstage.Web.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

public sealed class GalleryTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Editor_captions_credits_orders_and_publishes_a_gallery_from_the_keyboard_and_a_reader_sees_it_with_picture_sources()
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

        // A code for the show, as the desk brings its own (Photo Mechanic style).
        await editor.GetByRole(AriaRole.Link, new() { Name = "Code replacements" }).ClickAsync();
        await editor.GetByLabel("Code", new() { Exact = true }).FillAsync("l12");
        await editor.GetByLabel("Replacement").FillAsync("Look 12");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Add code" }).ClickAsync();
        await Expect(editor.Locator(".flash")).ToContainTextAsync("Added =l12=.");
        await editor.GotoAsync($"/studio/shows/{show.Id}/gallery");
        var cells = editor.Locator("#sheet-grid .sheet-cell");
        await Expect(editor.Locator("#sheet-grid[data-loaded=all]")).ToHaveCountAsync(1);

        // From here on the keyboard only. Select all, Enter (alt text is per photo, so the caption takes the cursor),
        // one caption through a code, Tab to credit and agency, Ctrl+Enter saves each photo with its own POST.
        await cells.First.Locator(".sheet-thumb").FocusAsync();
        var keys = editor.Keyboard;
        await keys.PressAsync("Control+a");
        await Expect(editor.Locator("#sheet-count")).ToHaveTextAsync("3 selected.");
        await keys.PressAsync("Enter");
        await Expect(editor.Locator("#inspector-caption")).ToBeFocusedAsync();
        await keys.TypeAsync("=l12= backstage");
        await Expect(editor.Locator("[data-preview=Caption]")).ToHaveTextAsync("→ Look 12 backstage"); // the live preview
        await keys.PressAsync("Tab");
        await keys.TypeAsync("Camille Martin");
        await keys.PressAsync("Tab");
        await keys.TypeAsync("Backstage Pictures");
        await keys.PressAsync("Control+Enter");
        await Expect(editor.Locator("#inspector-status")).ToHaveTextAsync("Saved 3 photos.");
        await Expect(editor.Locator("#sheet-grid .b-credit")).ToHaveCountAsync(0);

        // Escape back to the grid, one photo at a time: Enter → alt text, type, Ctrl+Enter → the next that needs it.
        await keys.PressAsync("Escape");
        await keys.PressAsync("ArrowRight");
        await keys.PressAsync("ArrowLeft");
        await Expect(editor.Locator("#sheet-count")).ToHaveTextAsync("1 selected.");
        await keys.PressAsync("Enter");
        for (int i = 1; i <= 3; i++)
        {
            await Expect(editor.Locator("#inspector-alt")).ToBeFocusedAsync();
            await Expect(editor.Locator(".inspector-what")).ToHaveTextAsync($"Photo {i}");
            await keys.TypeAsync($"Backstage moment number {i}");
            await keys.PressAsync("Control+Enter");
        }
        await Expect(editor.Locator("#sheet-grid .b-alt")).ToHaveCountAsync(0);

        // Select all and publish with P; then move photo 3 to the front with Alt+←, twice.
        await keys.PressAsync("Escape");
        await keys.PressAsync("Control+a");
        await keys.PressAsync("p");
        await Expect(editor.Locator("#inspector-status")).ToContainTextAsync("Published 3 photo(s)");
        await Expect(editor.Locator("#sheet-grid .b-unpublished")).ToHaveCountAsync(0);
        var lastId = await cells.Nth(2).GetAttributeAsync("data-id");
        await cells.Nth(2).Locator(".sheet-thumb").FocusAsync();
        await keys.PressAsync("ArrowRight"); // selects the one focused (the last: stays there)
        await keys.PressAsync("Alt+ArrowLeft");
        await Expect(cells.Nth(1)).ToHaveAttributeAsync("data-id", lastId!);
        await editor.Locator($"#photo-{lastId} .sheet-thumb").FocusAsync();
        await keys.PressAsync("Alt+ArrowLeft");
        await Expect(cells.First).ToHaveAttributeAsync("data-id", lastId!);
        await Expect(cells.First.Locator(".sheet-n")).ToHaveTextAsync("1");

        // ? shows every shortcut.
        await keys.PressAsync("?");
        await Expect(editor.Locator("details#shortcuts[open]")).ToHaveCountAsync(1);
        await Expect(editor.Locator("#shortcuts")).ToContainTextAsync("Move to position…");
        await keys.PressAsync("Escape");
        await cells.First.Locator(".sheet-thumb").ClickAsync();
        await BrowserFixture.ScreenshotAsync(editor, "gallery-studio");

        var reader = await app.NewPageAsync();
        await reader.GotoAsync($"/shows/{show.Slug}");
        var figures = reader.Locator("figure.gallery-photo");
        await Expect(figures).ToHaveCountAsync(3);
        // AVIF follows the Ready set in a background-priority job; its end evicts the page, so a reload shows it.
        var avif = reader.Locator("figure.gallery-photo picture source[type='image/avif']");
        for (var until = DateTime.UtcNow.AddSeconds(90); await avif.CountAsync() < 3 && DateTime.UtcNow < until; await reader.ReloadAsync())
            await Task.Delay(500);
        await Expect(avif).ToHaveCountAsync(3);
        await Expect(reader.Locator("figure.gallery-photo picture source[type='image/webp']")).ToHaveCountAsync(3);
        await Expect(figures.First.Locator(".credit")).ToHaveTextAsync("Photo: Camille Martin / Backstage Pictures");
        await Expect(figures.First.Locator("figcaption, .caption").First).ToContainTextAsync("Look 12 backstage");
        // Readers see the order the editor set with the keyboard.
        await Expect(figures.First.Locator("img")).ToHaveAttributeAsync("alt", "Backstage moment number 3");
        await Expect(figures.Nth(1).Locator("img")).ToHaveAttributeAsync("alt", "Backstage moment number 1");
        var first = figures.First.Locator("img");
        await first.ScrollIntoViewIfNeededAsync();
        await Expect(first).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await first.EvaluateAsync<int>("img => img.naturalWidth") > 0);
        await BrowserFixture.ScreenshotAsync(reader, "gallery-show");
        Directory.Delete(dir, recursive: true);
    }
}
