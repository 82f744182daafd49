using AngleSharp.Html.Parser;
using Backstage.Media;
using Backstage.Web.Galleries;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// Which rendition a page picks: the reader's &lt;img src&gt; follows Backstage:Media:ReadyMaxWidth, and the studio's
/// thumbnail is the one rule in <see cref="RenditionPlanner.Thumbnail"/> (used by the gallery editor, the upload review
/// and the perceptual hash). Pure: no database, real rendition rows.
/// </summary>
public sealed class RenditionChoiceTests
{
    private static Photo PhotoWith(params string[] specs) => new()
    {
        Id = 7, Width = 3000, Height = 4000, AltText = "Backstage", DominantColor = "#808080",
        Renditions = specs.Select(s => new Rendition
        {
            PhotoId = 7, Spec = s, ContentType = RenditionSpec.Parse(s[(s.IndexOf('/') + 1)..]).ContentType,
            Width = RenditionSpec.Parse(s[(s.IndexOf('/') + 1)..]).TargetWidth, Height = 100,
        }).ToList(),
    };

    private static string Figure(Photo photo, int readyMaxWidth)
    {
        var accessor = new MediaOptionsAccessor(Options.Create(new MediaOptions { ReadyMaxWidth = readyMaxWidth }));
        var html = new PhotoFigureTagHelper(new MediaUrls(accessor), accessor) { Photo = photo }.Render();
        using var w = new StringWriter();
        html.WriteTo(w, System.Text.Encodings.Web.HtmlEncoder.Default);
        return w.ToString();
    }

    [Theory]
    [InlineData(640, "/media/7/w640.jpg")]
    [InlineData(960, "/media/7/w960.jpg")]
    [InlineData(1920, "/media/7/w1920.jpg")]
    public void The_img_src_is_the_widest_jpeg_up_to_the_configured_ready_width(int readyMaxWidth, string expected)
    {
        var photo = PhotoWith("w320.jpg", "w640.jpg", "w960.jpg", "w1280.jpg", "w1920.jpg", "w640.webp", "w1280.avif");
        var doc = new HtmlParser().ParseDocument(Figure(photo, readyMaxWidth));

        var img = doc.QuerySelector("picture img")!;
        Assert.Equal(expected, img.GetAttribute("src"));
        // Space is reserved before any byte arrives: the intrinsic size is on the img.
        Assert.Equal(("3000", "4000"), (img.GetAttribute("width"), img.GetAttribute("height")));
        Assert.Equal(["image/avif", "image/webp"], doc.QuerySelectorAll("picture source").Select(s => s.GetAttribute("type")));
    }

    [Fact]
    public void The_thumbnail_is_the_narrowest_jpeg_width_never_a_crop_or_another_format()
    {
        var photo = PhotoWith("w320.webp", "w640.jpg", "w960.jpg", "f500-500/fill-800x1000.jpg", "w320.avif");
        Assert.Equal("/media/7/w640.jpg", MediaUrls.Origin(photo).Thumbnail()?.Url);
        Assert.Null(MediaUrls.Origin(PhotoWith("w320.webp", "f500-500/fill-800x1000.jpg")).Thumbnail());

        Assert.Equal(RenditionSpec.Width(640, "jpg"),
            RenditionPlanner.Thumbnail([RenditionSpec.Width(960, "jpg"), RenditionSpec.Width(320, "webp"), RenditionSpec.Width(640, "jpg"), RenditionPlanner.Grid]));
    }
}
