using Backstage.Web.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

/// <summary>Issue 10 in a real browser: uploads to a live gallery wait for "Publish"; "Take down" removes a photo for readers.</summary>
public sealed class DeskTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_editor_publishes_new_photos_of_a_live_gallery_after_fixing_them_then_takes_one_down()
    {
        var show = await app.LiveShowAsync("Courreges");
        var (dir, files) = BrowserFixture.WriteJpegs("DSC", 3, seed: 700);

        var editor = await app.NewPageAsync(await app.CreateUserAsync(Roles.Editor));
        await editor.GotoAsync($"/studio/shows/{show.Id}/gallery");
        await editor.Locator("#gallery-files").SetInputFilesAsync(files);
        await editor.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(editor.Locator("#gallery-upload-progress li.ok")).ToHaveCountAsync(3);
        await BrowserFixture.WaitForReadyAsync(editor, show.Id, 3);

        // The gallery is live, but the new photos are not: readers see none of them.
        var reader = await app.NewPageAsync();
        await reader.GotoAsync($"/shows/{show.Slug}");
        await Expect(reader.Locator("figure.gallery-photo")).ToHaveCountAsync(0);

        // Describe the first in the inspector, then credit all three at once (Ctrl+A, one credit, Save: a POST per photo).
        var cells = editor.Locator("#sheet-grid .sheet-cell");
        await cells.First.Locator(".sheet-thumb").ClickAsync();
        await editor.Locator("#inspector-alt").FillAsync("A model laughing in the make-up chair");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(editor.Locator("#inspector-status")).ToHaveTextAsync("Saved photo 1.");
        await cells.First.Locator(".sheet-thumb").FocusAsync();
        await editor.Keyboard.PressAsync("Control+a");
        await Expect(editor.Locator("#sheet-count")).ToHaveTextAsync("3 selected.");
        await editor.Locator("#inspector-credit").FillAsync("Camille Martin");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(editor.Locator("#inspector-status")).ToHaveTextAsync("Saved 3 photos.");
        await editor.ReloadAsync();
        await Expect(editor.Locator(".gallery-summary")).ToHaveTextAsync("3 photos unpublished — 2 lack alt text");

        // The filter shows only the two that need work; fix them and publish everything that is ready.
        await editor.GetByLabel("Which photos").SelectOptionAsync(new SelectOptionValue { Label = "Needs alt text" });
        await editor.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Expect(cells).ToHaveCountAsync(2);
        for (int i = 0; i < 2; i++)
        {
            await cells.Nth(i).Locator(".sheet-thumb").ClickAsync();
            await editor.Locator("#inspector-alt").FillAsync($"Hair and make-up, moment {i + 2}");
            await editor.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(editor.Locator("#inspector-status")).ToContainTextAsync("Saved photo");
        }
        await editor.GetByRole(AriaRole.Button, new() { Name = "Publish all ready" }).ClickAsync();
        await Expect(editor.Locator(".flash")).ToContainTextAsync("Published 3 photo(s)");
        await Expect(editor.Locator(".gallery-summary")).ToHaveCountAsync(0);

        await reader.GotoAsync($"/shows/{show.Slug}");
        await Expect(reader.Locator("figure.gallery-photo")).ToHaveCountAsync(3);

        // Take one down from its own page: a reason is required, then it is gone for readers.
        await editor.GotoAsync($"/studio/shows/{show.Id}/gallery");
        await editor.Locator("#sheet-grid .sheet-cell[data-file='DSC_0002.jpg'] .sheet-thumb").ClickAsync();
        await editor.Locator("#inspector .inspector-file").ClickAsync();
        await Expect(editor.GetByRole(AriaRole.Heading, new() { Name = "Where this photo is used" })).ToBeVisibleAsync();
        await editor.GetByLabel("Reason").SelectOptionAsync(new SelectOptionValue { Label = "Model request" });
        await editor.GetByLabel("Details").FillAsync("asked by her agency");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Take down" }).ClickAsync();
        await Expect(editor.Locator(".flash")).ToContainTextAsync("Took down DSC_0002.jpg");
        await Expect(editor.GetByRole(AriaRole.Button, new() { Name = "Restore" })).ToBeVisibleAsync();

        await reader.GotoAsync($"/shows/{show.Slug}");
        await Expect(reader.Locator("figure.gallery-photo")).ToHaveCountAsync(2);
        await Expect(reader.Locator("figure.gallery-photo img[alt='Hair and make-up, moment 2']")).ToHaveCountAsync(0);
        Directory.Delete(dir, recursive: true);
    }
}
