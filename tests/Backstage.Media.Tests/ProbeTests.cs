using System.Diagnostics;
using System.Text;
using Backstage.Tests.Shared;
using NetVips;

namespace Backstage.Media.Tests;

public sealed class ProbeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly VipsImageProcessor _processor = new(new MediaOptions());

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Reject(string name, byte[] bytes) =>
        Assert.Throws<ImageRejectedException>(() => _processor.Probe(Write(name, bytes))).Reason;

    [Fact]
    public void Jpeg_is_probed_with_its_size()
    {
        var facts = _processor.Probe(Write("a.jpg", Fixtures.DemoJpeg(300, 200)));
        Assert.Equal(ImageFormat.Jpeg, facts.Format);
        Assert.Equal((300, 200), (facts.Width, facts.Height));
        Assert.Null(facts.Creator);
    }

    [Fact]
    public void Exif_orientation_swaps_size_and_credit_fields_are_read()
    {
        var exif = CraftedImages.BuildExif(6, "FUJIFILM", "X-T5", "Jane Doe", "© 2026 Jane Doe Studio", "2026:02:14 19:30:05", "+01:00");
        var path = Write("rotated.jpg", CraftedImages.WithExif(Fixtures.DemoJpeg(300, 200), exif));

        var facts = _processor.Probe(path);

        Assert.Equal((200, 300), (facts.Width, facts.Height));
        Assert.Equal("FUJIFILM", facts.CameraMake);
        Assert.Equal("X-T5", facts.CameraModel);
        Assert.Equal("Jane Doe", facts.Creator);
        Assert.Equal("© 2026 Jane Doe Studio", facts.Copyright);
        Assert.Equal(new DateTimeOffset(2026, 2, 14, 19, 30, 5, TimeSpan.FromHours(1)), facts.CapturedAt);
    }

    [Fact]
    public void Png_renamed_jpg_is_accepted_as_png()
    {
        using var img = Fixtures.Solid(40, 30, 10, 200, 30);
        var facts = _processor.Probe(Write("photo.jpg", img.PngsaveBuffer()));
        Assert.Equal(ImageFormat.Png, facts.Format);
        Assert.Equal((40, 30), (facts.Width, facts.Height));
    }

    [Fact]
    public void Tiff_and_webp_are_accepted()
    {
        using var img = Fixtures.Solid(40, 30, 10, 20, 30);
        Assert.Equal(ImageFormat.Tiff, _processor.Probe(Write("a.tif", img.TiffsaveBuffer())).Format);
        Assert.Equal(ImageFormat.WebP, _processor.Probe(Write("a.webp", img.WebpsaveBuffer())).Format);
    }

    // AVIF takes libvips' HEIF loader (VipsForeignLoadHeif, AV1). iPhone HEIC (HEVC) is decoded by
    // HeicDecoder instead, since this libvips has no HEVC decoder: see HeicTests, with real HEVC
    // samples in Samples/ (made once with heif-enc, Samples/README.md).
    [Fact]
    public void Avif_is_accepted_through_the_heif_loader()
    {
        using var img = Fixtures.Solid(64, 48, 100, 150, 200);
        var path = Write("a.heic", img.HeifsaveBuffer(compression: Enums.ForeignHeifCompression.Av1, effort: 0));
        var facts = _processor.Probe(path);
        Assert.Equal(ImageFormat.Avif, facts.Format);
        Assert.Equal((64, 48), (facts.Width, facts.Height));
    }

    [Fact]
    public void Empty_file_is_refused() => Assert.Equal("file is empty", Reject("empty.jpg", []));

    [Fact]
    public void Svg_with_script_is_refused()
    {
        var svg = """<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>""";
        Assert.Equal("not a supported image (looks like SVG)", Reject("evil.jpg", Encoding.UTF8.GetBytes(svg)));
    }

    [Fact]
    public void Gif_is_refused()
    {
        // smallest valid GIF: 1×1
        byte[] gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
        Assert.Equal("not a supported image (looks like GIF)", Reject("a.gif", gif));
    }

    [Fact]
    public void Html_renamed_jpg_is_refused() =>
        Assert.Equal("not a supported image (looks like HTML)", Reject("photo.jpg", "<!DOCTYPE html><html><body><script>x()</script></body></html>"u8.ToArray()));

    [Theory]
    [InlineData("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF")]
    [InlineData("8BPS\0\u0001\0\0\0\0\0\0\0\u0003", "PSD")]
    [InlineData("\0\0\0\u000cjP  \r\n\u0087\n\0\0\0\u0014ftypjp2 ", "JPEG 2000")]
    [InlineData("hello, this is a text file renamed to .jpg\n", "text")]
    public void Other_formats_are_refused(string content, string looksLike) =>
        Assert.Equal($"not a supported image (looks like {looksLike})", Reject("x.jpg", Encoding.Latin1.GetBytes(content)));

    [Fact]
    public void Bmp_and_ico_are_refused()
    {
        var bmp = new byte[70]; bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        Assert.Equal("not a supported image (looks like BMP)", Reject("a.bmp", bmp));
        var ico = new byte[40]; ico[2] = 1; ico[4] = 1;
        Assert.Equal("not a supported image (looks like ICO)", Reject("a.ico", ico));
    }

    [Fact]
    public void Truncated_jpeg_is_refused()
    {
        var jpeg = Fixtures.DemoJpeg(400, 300);
        Assert.Equal("image is truncated or corrupt", Reject("cut.jpg", jpeg[..(jpeg.Length / 2)]));
    }

    [Fact]
    public void Truncated_jpeg_is_refused_by_render_too()
    {
        var jpeg = Fixtures.DemoJpeg(400, 300);
        var path = Write("cut.jpg", jpeg[..(jpeg.Length / 2)]);
        var ex = Assert.Throws<ImageRejectedException>(() =>
            _processor.Render(path, [RenditionSpec.Width(320, "jpg")], FocalPoint.Center, _dir.File("out")));
        Assert.Equal("image is truncated or corrupt", ex.Reason);
    }

    [Fact]
    public void Pixel_bomb_png_is_refused_from_the_header()
    {
        var bomb = CraftedImages.PixelBombPng(30000, 30000);
        Assert.InRange(bomb.Length, 50_000, 200_000);
        var path = Write("bomb.png", bomb);
        long before = Process.GetCurrentProcess().WorkingSet64;

        var ex = Assert.Throws<ImageRejectedException>(() => _processor.Probe(path));

        Assert.Equal("30000×30000 is 900 megapixels, over the 100 megapixel limit", ex.Reason);
        // sanity, not a benchmark: decoding 900 MP would need gigabytes
        long grown = Process.GetCurrentProcess().WorkingSet64 - before;
        Assert.True(grown < 200L * 1024 * 1024, $"working set grew by {grown / 1024 / 1024} MB");
        Assert.Throws<ImageRejectedException>(() => _processor.Render(path, [RenditionSpec.Width(320, "jpg")], FocalPoint.Center, _dir.File("out")));
    }

    [Fact]
    public void Oversized_file_is_refused_before_reading()
    {
        var small = new VipsImageProcessor(new MediaOptions { MaxFileBytes = 1024 });
        var path = Write("big.jpg", Fixtures.DemoJpeg(300, 200));
        Assert.Equal("larger than 1 KB", Assert.Throws<ImageRejectedException>(() => small.Probe(path)).Reason);
    }

    [Fact]
    public void Xmp_creator_is_used_when_exif_has_none()
    {
        using var img = Fixtures.Solid(32, 32, 1, 2, 3);
        var xmp = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Ana Ruiz</rdf:li></rdf:Seq></dc:creator><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Ana Ruiz &amp; Co</rdf:li></rdf:Alt></dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>""";
        using var withXmp = img.Mutate(m => m.Set(GValue.BlobType, "xmp-data", Encoding.UTF8.GetBytes(xmp)));
        var path = Write("xmp.jpg", withXmp.JpegsaveBuffer(keep: Enums.ForeignKeep.Xmp));
        var facts = _processor.Probe(path);
        Assert.Equal("Ana Ruiz", facts.Creator);
        Assert.Equal("Ana Ruiz & Co", facts.Copyright);
    }
}
