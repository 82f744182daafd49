using System.Text;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Xunit.Abstractions;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// The contact sheet's weight for a 300-photo show, in the suite: the HTML an editor's browser loads without JavaScript
/// (one page of 24) and with it (the page plus every cell), printed as one line. The figures in docs/benchmarks.md come
/// from bench/contact-sheet/run.sh instead: the old editor and this one side by side on real photos, in Chromium.
/// </summary>
public sealed class ContactSheetWeightTests(GalleryFactory factory, ITestOutputHelper output) : IClassFixture<GalleryFactory>
{
    [Fact]
    public async Task A_300_photo_show_s_contact_sheet_weighs_its_page_plus_one_fragment_of_every_cell()
    {
        var show = await factory.CreateShowAsync("Weight");
        await factory.WithDbAsync(async db =>
        {
            for (int i = 1; i <= 300; i++)
                db.Add(new Photo
                {
                    ShowId = show.Id, Position = i, Sha256 = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), OriginalFileName = $"IMG_{i:0000}.jpg",
                    Width = 6000, Height = 4000, Format = "jpeg", Status = PhotoStatus.Ready, RightsCategory = RightsCategory.Staff, DominantColor = "#8a7a6a",
                    Credit = i % 3 == 0 ? null : "Camille Martin", Agency = "Backstage Pictures", AltText = i % 4 == 0 ? null : $"A model in look {i} at the mirror, hair pinned up",
                    Caption = $"Backstage at Dior, Fall/Winter 2025, look {i}.", Camera = "Canon EOS R5",
                    Renditions = [new Rendition { Spec = "w320.jpg", Width = 320, Height = 213, Bytes = 20_000, ContentType = "image/jpeg" },
                                  new Rendition { Spec = "w320.webp", Width = 320, Height = 213, Bytes = 15_000, ContentType = "image/webp" }],
                });
            await db.SaveChangesAsync();
        });
        var editor = await factory.ClientAsync(Roles.Editor);
        var html = await editor.Http.GetStringAsync(GalleryUrl(show.Id));
        long page = Encoding.UTF8.GetByteCount(html), cells = 0;
        var doc = Infrastructure.FormClient.Parse(html);
        if (html.Contains("data-cells=", StringComparison.Ordinal))
            cells = Encoding.UTF8.GetByteCount(await editor.Http.GetStringAsync(GalleryUrl(show.Id) + "?handler=cells"));
        output.WriteLine($"contact-sheet-weight photos=300 page_bytes={page} cells_bytes={cells} js_total_bytes={page + cells} " +
            $"inputs={doc.QuerySelectorAll("input").Length} textareas={doc.QuerySelectorAll("textarea").Length}");
        Assert.Equal(24, doc.QuerySelectorAll(".sheet-cell").Length);
        Assert.True(cells > 0);
    }
}
