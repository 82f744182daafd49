using System.Buffers.Binary;
using System.Diagnostics;
using NetVips;

namespace Backstage.Media.Tests;

/// <summary>
/// iPhone-style HEIC (HEVC in HEIF) with the committed samples in Samples/ (how they were made:
/// Samples/README.md). The bundled libvips cannot decode HEVC; <see cref="HeicDecoder"/> (Magick.NET)
/// decodes, libvips renders.
/// </summary>
public sealed class HeicTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly VipsImageProcessor _processor = new(new MediaOptions { AvifEffort = 0 });

    /// <summary>512×384, no metadata.</summary>
    private static byte[] Photo => Sample("photo-hevc.heic");
    /// <summary>Stored 480×360 with irot 270° and EXIF orientation 6, displayed 360×480; EXIF with GPS; Display P3; red marker top-left.</summary>
    private static byte[] Iphone => Sample("iphone-hevc-rotated.heic");

    /// <summary>The fixture's GPS latitude as EXIF stores it: 48/1, 51/1 (little-endian rationals).</summary>
    private static readonly byte[] GpsLatitude = [48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0];

    public void Dispose() => _dir.Dispose();

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    private string Write(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Samples_are_real_hevc_heic()
    {
        foreach (var bytes in new[] { Photo, Iphone })
        {
            Assert.True(bytes.Length < 60_000);
            Assert.Equal("ftypheic"u8.ToArray(), bytes[4..12]);
            Assert.True(Fixtures.Contains(bytes, "hvcC"), "HEVC decoder configuration box");
        }
        Assert.True(Fixtures.Contains(Iphone, "irot"));
        Assert.True(Iphone.AsSpan().IndexOf(GpsLatitude) >= 0, "the sample really has GPS");
        Assert.True(Fixtures.Contains(Iphone, "Jane Doe"));
    }

    [Fact]
    public void Hevc_heic_is_accepted_and_probed_with_its_size()
    {
        var facts = _processor.Probe(Write("IMG_0001.HEIC", Photo));
        Assert.Equal(ImageFormat.Heif, facts.Format);
        Assert.Equal((512, 384), (facts.Width, facts.Height));
        Assert.Null(facts.CameraMake);
        Assert.Null(facts.CapturedAt);
    }

    [Fact]
    public void Iphone_heic_is_probed_upright_with_camera_time_and_credit_from_exif()
    {
        var facts = _processor.Probe(Write("IMG_0002.HEIC", Iphone));

        // irot turns the stored 480×360 into 360×480; EXIF orientation 6 says the same and is not applied again
        Assert.Equal((360, 480), (facts.Width, facts.Height));
        Assert.Equal("Apple", facts.CameraMake);
        Assert.Equal("iPhone 15 Pro", facts.CameraModel);
        Assert.Equal("Jane Doe", facts.Creator);
        Assert.Equal("© 2026 Jane Doe Studio", facts.Copyright);
        Assert.Equal(new DateTimeOffset(2026, 2, 14, 19, 30, 5, TimeSpan.FromHours(1)), facts.CapturedAt);
    }

    [Fact]
    public void Iphone_heic_renders_every_planned_rendition_upright_and_without_metadata()
    {
        var options = new MediaOptions { AvifEffort = 0 };
        Assert.Equal(["avif", "webp", "jpg"], options.Formats);
        var path = Write("IMG_0003.HEIC", Iphone);

        var result = _processor.RenderPlanned(path, FocalPoint.Center, _dir.File("out"));

        Assert.Equal((360, 480), (result.Width, result.Height));
        var planned = RenditionPlanner.Plan(360, options).Select(s => s.Name).ToList();
        Assert.Equal(planned, result.Files.Select(f => f.Spec.Name).OrderBy(planned.IndexOf));
        Assert.Contains(result.Files, f => f.ContentType == "image/avif");
        Assert.Contains(result.Files, f => f.ContentType == "image/webp");
        Assert.Contains(result.Files, f => f.ContentType == "image/jpeg");
        Assert.StartsWith("data:image/webp;base64,", result.PlaceholderDataUri);
        foreach (var file in result.Files)
        {
            var bytes = File.ReadAllBytes(file.Path);
            Assert.Equal(bytes.Length, file.Bytes);
            Assert.False(Fixtures.Contains(bytes, "Exif"), $"{file.Spec} contains Exif");
            Assert.False(bytes.AsSpan().IndexOf(GpsLatitude) >= 0, $"{file.Spec} contains the GPS position");
            Assert.False(Fixtures.Contains(bytes, "Jane"), $"{file.Spec} contains the artist");
            Assert.False(Fixtures.Contains(bytes, "iPhone"), $"{file.Spec} contains the camera");
            Assert.False(Fixtures.Contains(bytes, "http://ns.adobe.com/xap"), $"{file.Spec} contains XMP");
            using var img = Image.NewFromFile(file.Path);
            Assert.Equal((file.Width, file.Height), (img.Width, img.Height));
            Assert.DoesNotContain(img.GetFields(), f => f.StartsWith("exif", StringComparison.Ordinal) || f is "xmp-data" or "iptc-data" or "icc-profile-data");
            Assert.False(img.Contains("orientation") && (int)img.Get("orientation") != 1);
        }

        // upright: the red marker is at the top-left of the width renditions (rotated twice it would be top-right),
        // and its Display P3 values came back to sRGB red (230, 20, 20) rather than P3's (211, 50, 38)
        var w320 = result.Files.Single(f => f.Spec.Name == "w320.jpg");
        Assert.Equal((320, 427), (w320.Width, w320.Height));
        using var rendition = Image.NewFromFile(w320.Path);
        var marker = rendition.Getpoint(20, 20);
        Assert.True(marker[0] > 220 && marker[1] < 35 && marker[2] < 35, $"top-left is {string.Join(",", marker)}");
        foreach (var (x, y) in new[] { (300, 20), (20, 407), (300, 407) })
        {
            var px = rendition.Getpoint(x, y);
            Assert.False(px[0] > 200 && px[1] < 50 && px[2] < 50, $"({x},{y}) is marker red");
        }
    }

    [Fact]
    public void Truncated_heic_is_refused_with_a_reason()
    {
        var photo = Photo;
        Assert.Equal("HEIC image is truncated or corrupt",
            Assert.Throws<ImageRejectedException>(() => _processor.Probe(Write("cut.heic", photo[..(photo.Length / 2)]))).Reason);
        // cut inside the header boxes, too
        Assert.Equal("HEIC image is truncated or corrupt",
            Assert.Throws<ImageRejectedException>(() => _processor.Probe(Write("cut2.heic", photo[..200]))).Reason);
        var ex = Assert.Throws<ImageRejectedException>(() =>
            _processor.Render(_dir.File("cut.heic"), [RenditionSpec.Width(320, "jpg")], FocalPoint.Center, _dir.File("out")));
        Assert.Equal("HEIC image is truncated or corrupt", ex.Reason);
    }

    [Fact]
    public void Heic_pixel_bomb_is_refused_from_the_header()
    {
        // the real sample with its 'ispe' (image spatial extents) box claiming 12000×12000: the header is
        // all a decoder reads before allocating; the HEVC data still holds 512×384
        var bomb = Photo;
        int ispe = bomb.AsSpan().IndexOf("ispe"u8);
        Assert.True(ispe > 0);
        BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(ispe + 8), 12_000);
        BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(ispe + 12), 12_000);
        var path = Write("bomb.heic", bomb);
        long before = Process.GetCurrentProcess().WorkingSet64;

        var ex = Assert.Throws<ImageRejectedException>(() => _processor.Probe(path));

        Assert.Equal("12000×12000 is 144 megapixels, over the 100 megapixel limit", ex.Reason);
        long grown = Process.GetCurrentProcess().WorkingSet64 - before;
        Assert.True(grown < 200L * 1024 * 1024, $"working set grew by {grown / 1024 / 1024} MB");
        Assert.Equal(ex.Reason, Assert.Throws<ImageRejectedException>(() =>
            _processor.Render(path, [RenditionSpec.Width(320, "jpg")], FocalPoint.Center, _dir.File("out"))).Reason);
    }

    [Fact]
    public void Heic_pixel_limit_follows_the_options()
    {
        var strict = new VipsImageProcessor(new MediaOptions { MaxPixels = 100_000 });
        Assert.Equal("512×384 is 0.2 megapixels, over the 0.1 megapixel limit",
            Assert.Throws<ImageRejectedException>(() => strict.Probe(Write("a.heic", Photo))).Reason);
    }

    [Fact]
    public void Magick_is_held_to_the_heic_reader()
    {
        // ImageMagick would happily decode these if left to guess the format; forced to HEIC it refuses them
        Assert.True(HeicDecoder.IsAvailable);
        Assert.Equal(HeicDecoder.CorruptReason, Assert.Throws<ImageRejectedException>(() => HeicDecoder.Ping(Fixtures.DemoJpeg(64, 48))).Reason);
        using var png = Fixtures.Solid(8, 8, 1, 2, 3);
        Assert.Equal(HeicDecoder.CorruptReason, Assert.Throws<ImageRejectedException>(() => HeicDecoder.Ping(png.PngsaveBuffer())).Reason);
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"u8.ToArray();
        Assert.Equal(HeicDecoder.CorruptReason, Assert.Throws<ImageRejectedException>(() => HeicDecoder.Verify(svg)).Reason);
    }

    [Fact]
    public void Avif_stays_with_libvips()
    {
        // only HEIC goes to Magick, and only because this libvips has no HEVC decoder
        Assert.False(HeicDecoder.Handles(ImageFormat.Avif));
        Assert.False(HeicDecoder.Handles(ImageFormat.Jpeg));
        Assert.True(HeicDecoder.Handles(ImageFormat.Heif), "the bundled libvips decodes HEVC now: HeicDecoder can go");
    }
}
