using System.Text;
using Backstage.Media;
using Backstage.Tests.Shared;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

public sealed class IngestTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Editor_drops_a_camera_card_folder_loses_the_connection_and_every_photo_arrives_once_with_its_sidecar()
    {
        var show = new Show
        {
            Designer = "Mugler", Season = "Fall/Winter 2026", City = "Paris", Date = new DateOnly(2026, 3, 5),
            Slug = "mugler-" + Guid.NewGuid().ToString("N")[..6],
        };
        await app.WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        var card = Directory.CreateTempSubdirectory("ingest-card-").FullName;
        var dcim = Directory.CreateDirectory(Path.Combine(card, "DCIM", "100CANON")).FullName;
        var sources = new Dictionary<string, byte[]>();
        for (int i = 1; i <= 4; i++)
        {
            var path = Path.Combine(dcim, $"IMG_{i:0000}.JPG");
            DemoImages.WriteJpeg(path, seed: 700 + i, width: 2000, height: 1333);
            sources[Path.GetFileName(path)] = await File.ReadAllBytesAsync(path);
        }
        await File.WriteAllTextAsync(Path.Combine(dcim, "IMG_0002.XMP"), CraftedMetadata.Xmp(creator: "Zoë Åberg", alt: "Zoë Åberg's shot of the finale line-up"), Encoding.UTF8);
        await File.WriteAllBytesAsync(Path.Combine(card, ".DS_Store"), [0, 0, 0, 1]);

        var editor = await app.NewPageAsync(await app.CreateUserAsync(Roles.Editor));
        await editor.GotoAsync($"/studio/shows/{show.Id}/upload");
        // Small chunks, so the drop happens mid-file.
        await editor.Locator("#ingest-form").EvaluateAsync("f => f.setAttribute('data-chunk-bytes', '65536')");
        await editor.Locator("#ingest-folder").SetInputFilesAsync(card);
        await editor.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(editor.Locator("#ingest-progress li progress")).ToHaveCountAsync(5);
        await Expect(editor.Locator("#ingest-progress li.skipped")).ToContainTextAsync(".DS_Store: skipped, a system file");

        await editor.Context.SetOfflineAsync(true);
        await Expect(editor.Locator("#ingest-overall-text")).ToContainTextAsync("offline");
        await editor.WaitForTimeoutAsync(1500);
        await editor.Context.SetOfflineAsync(false);

        await Expect(editor.Locator("#ingest-progress li.ok")).ToHaveCountAsync(4, new() { Timeout = 60_000 });
        await Expect(editor.Locator("#ingest-overall-text")).ToContainTextAsync("4 of 4 files done");
        await Expect(editor.Locator("#ingest-overall-bar")).ToHaveAttributeAsync("value", "100");
        await BrowserFixture.ScreenshotAsync(editor, "ingest-folder");

        var photos = await app.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync());
        Assert.Equal(["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.JPG"], photos.Select(p => p.OriginalFileName).Order());
        Assert.All(photos, p => Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(sources[p.OriginalFileName])), p.Sha256));
        var withSidecar = photos.Single(p => p.OriginalFileName == "IMG_0002.JPG");
        Assert.Equal("Zoë Åberg's shot of the finale line-up", withSidecar.AltText);

        await editor.GetByRole(AriaRole.Link, new() { Name = "Review the new photos" }).ClickAsync();
        await Expect(editor.Locator($"#review-{withSidecar.Id} .from-file")).ToHaveCountAsync(2);
    }
}
