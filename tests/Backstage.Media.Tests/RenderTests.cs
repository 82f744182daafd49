using Backstage.Tests.Shared;
using NetVips;

namespace Backstage.Media.Tests;

public sealed class RenderTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly VipsImageProcessor _processor = new(new MediaOptions { AvifEffort = 0 });

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Renditions_are_rotated_and_carry_no_metadata_while_probe_keeps_the_credit()
    {
        var exif = CraftedImages.BuildExif(6, "Canon", "EOS R5", "Jane Doe", "Copyright Jane Doe", "2026:02:14 19:30:05", "+01:00");
        var source = CraftedImages.WithExif(Fixtures.DemoJpeg(480, 360, seed: 3), exif);
        Assert.True(Fixtures.Contains(source, "GPS") || Fixtures.Contains(source, "Exif"));
        var path = Write("rotated.jpg", source);
        using (var check = Image.NewFromFile(path))
        {
            Assert.Equal(6, (int)check.Get("orientation"));
            Assert.Contains(check.GetFields(), f => f.StartsWith("exif-ifd3-GPS", StringComparison.Ordinal)); // the fixture really has GPS
        }

        var facts = _processor.Probe(path);
        Assert.Equal(("Jane Doe", "Copyright Jane Doe"), (facts.Creator, facts.Copyright));
        Assert.NotNull(facts.CapturedAt);

        var specs = new[] { RenditionSpec.Width(320, "jpg"), RenditionSpec.Width(320, "webp"), RenditionSpec.Width(320, "avif"), RenditionSpec.Width(200, "jpg"), RenditionSpec.Fill(100, 100, "jpg") };
        var result = _processor.Render(path, specs, FocalPoint.Center, _dir.File("out"));

        Assert.Equal((360, 480), (result.Width, result.Height));
        var w320 = result.Files.Single(f => f.Spec.Name == "w320.jpg");
        Assert.Equal((320, 427), (w320.Width, w320.Height)); // portrait after rotation
        foreach (var file in result.Files)
        {
            var bytes = File.ReadAllBytes(file.Path);
            Assert.Equal(bytes.Length, file.Bytes);
            Assert.False(Fixtures.Contains(bytes, "Exif"), $"{file.Spec} contains Exif");
            Assert.False(Fixtures.Contains(bytes, "GPS"), $"{file.Spec} contains GPS");
            Assert.False(Fixtures.Contains(bytes, "Jane"), $"{file.Spec} contains the artist");
            Assert.False(Fixtures.Contains(bytes, "http://ns.adobe.com/xap"), $"{file.Spec} contains XMP");
            using var img = Image.NewFromFile(file.Path);
            Assert.Equal((file.Width, file.Height), (img.Width, img.Height));
            var fields = img.GetFields();
            Assert.DoesNotContain(fields, f => f.StartsWith("exif", StringComparison.Ordinal) || f is "xmp-data" or "iptc-data" or "icc-profile-data");
            Assert.False(img.Contains("orientation") && (int)img.Get("orientation") != 1);
        }
    }

    [Fact]
    public void Planned_widths_never_upscale_and_cascade_down()
    {
        var path = Write("small.jpg", Fixtures.DemoJpeg(1000, 750, seed: 5));
        var o = new MediaOptions { Formats = ["webp", "jpg"] };
        var specs = RenditionPlanner.Plan(1000, o);
        Assert.Equal(["w320.webp", "w320.jpg", "w640.webp", "w640.jpg", "w960.webp", "w960.jpg", "fill-1600x900.jpg", "fill-800x1000.jpg", "fill-1200x630.jpg"],
            specs.Select(s => s.Name));

        var result = _processor.Render(path, specs, FocalPoint.Center, _dir.File("out"));

        Assert.All(result.Files, f => Assert.True(f.Width <= 1000 && f.Height <= 750, $"{f.Spec} is {f.Width}×{f.Height}"));
        Assert.Equal((960, 720), result.Files.Where(f => f.Spec.Name == "w960.jpg").Select(f => (f.Width, f.Height)).Single());
        // a crop larger than the source: the largest window of that aspect ratio, unscaled
        Assert.Equal((1000, 563), result.Files.Where(f => f.Spec.Name == "fill-1600x900.jpg").Select(f => (f.Width, f.Height)).Single());
        Assert.Equal((600, 750), result.Files.Where(f => f.Spec.Name == "fill-800x1000.jpg").Select(f => (f.Width, f.Height)).Single());
        Assert.Equal((800, 1000) , (RenditionPlanner.Grid.TargetWidth, RenditionPlanner.Grid.TargetHeight!.Value));
    }

    [Fact]
    public void Tiny_source_gets_one_rendition_at_its_own_width()
    {
        var specs = RenditionPlanner.Plan(200, new MediaOptions { Formats = ["jpg", "avif"], AvifWidths = [640] });
        Assert.Equal(["w200.jpg", "w200.avif", "fill-1600x900.jpg", "fill-800x1000.jpg", "fill-1200x630.jpg"], specs.Select(s => s.Name));
        var path = Write("tiny.png", Fixtures.Solid(200, 100, 9, 9, 9).PngsaveBuffer());
        var result = _processor.Render(path, specs.Take(2).ToList(), FocalPoint.Center, _dir.File("out"));
        Assert.All(result.Files, f => Assert.Equal((200, 100), (f.Width, f.Height)));
    }

    [Fact]
    public void Avif_widths_limit_which_widths_get_avif()
    {
        var specs = RenditionPlanner.Plan(6000, new MediaOptions { AvifWidths = [320, 640] });
        Assert.Equal(["w320.avif", "w640.avif"], specs.Where(s => s.Extension == "avif").Select(s => s.Name));
        Assert.Equal(6, specs.Count(s => s.Extension == "webp"));
    }

    [Fact]
    public void A_photo_is_ready_with_jpeg_and_webp_up_to_the_ready_width_and_the_crops_the_rest_comes_later()
    {
        var o = new MediaOptions();
        var plan = RenditionPlanner.Plan(6000, o);
        Assert.Equal(["w320.webp", "w320.jpg", "w640.webp", "w640.jpg", "w960.webp", "w960.jpg", "w1280.webp", "w1280.jpg",
            "fill-1600x900.jpg", "fill-800x1000.jpg", "fill-1200x630.jpg"], plan.Where(s => !RenditionPlanner.IsLater(s, o)).Select(s => s.Name));
        Assert.Equal(["w320.avif", "w640.avif", "w960.avif", "w1280.avif", "w1920.avif", "w1920.webp", "w1920.jpg", "w2560.webp", "w2560.jpg"],
            plan.Where(s => RenditionPlanner.IsLater(s, o)).Select(s => s.Name));
        // A narrow source keeps everything but AVIF in the first render; ReadyMaxWidth moves the line.
        Assert.All(RenditionPlanner.Plan(1000, o).Where(s => RenditionPlanner.IsLater(s, o)), s => Assert.Equal("avif", s.Extension));
        var wide = new MediaOptions { ReadyMaxWidth = 2560 };
        Assert.All(RenditionPlanner.Plan(6000, wide).Where(s => RenditionPlanner.IsLater(s, wide)), s => Assert.Equal("avif", s.Extension));
    }

    [Fact]
    public void Focal_point_crop_picks_the_region_around_the_focal_point()
    {
        // grey 1200×400 with a red 300×400 band at the left
        using var grey = Fixtures.Solid(1200, 400, 128, 128, 128);
        using var red = Fixtures.Solid(300, 400, 230, 20, 20);
        using var composed = grey.Insert(red, 0, 0);
        var path = Write("red-left.png", composed.PngsaveBuffer());

        var spec = RenditionSpec.Fill(400, 400, "jpg");
        var left = _processor.Render(path, [spec], new FocalPoint(0.1, 0.5), _dir.File("left")).Files.Single();
        var centre = _processor.Render(path, [spec], FocalPoint.Center, _dir.File("centre")).Files.Single();

        Assert.Equal((400, 400), (left.Width, left.Height));
        using (var img = Image.NewFromFile(left.Path))
        {
            var avg = img.Stats();
            // mean red channel far above green: the crop is mostly the red band (300 of 400 columns)
            Assert.True(avg[4, 1][0] > 180 && avg[4, 2][0] < 80, $"R={avg[4, 1][0]} G={avg[4, 2][0]}");
        }
        using (var img = Image.NewFromFile(centre.Path))
        {
            var avg = img.Stats();
            Assert.True(Math.Abs(avg[4, 1][0] - 128) < 10, $"centre crop should be grey, R={avg[4, 1][0]}");
        }
    }

    [Fact]
    public void Rerender_is_idempotent_and_leaves_no_temp_files()
    {
        var path = Write("a.jpg", Fixtures.DemoJpeg(700, 500, seed: 9));
        var specs = RenditionPlanner.Plan(700, new MediaOptions { Formats = ["webp", "jpg"] });
        var outDir = _dir.File("out");
        var first = _processor.Render(path, specs, new FocalPoint(0.3, 0.3), outDir);
        var firstBytes = first.Files.ToDictionary(f => f.Spec.Name, f => File.ReadAllBytes(f.Path));
        var second = _processor.Render(path, specs, new FocalPoint(0.3, 0.3), outDir);

        Assert.Equal(first.Files.Select(f => (f.Spec, f.Bytes)), second.Files.Select(f => (f.Spec, f.Bytes)));
        foreach (var f in second.Files) Assert.Equal(firstBytes[f.Spec.Name], File.ReadAllBytes(f.Path));
        Assert.Equal(specs.Select(s => s.Name).Order(), Directory.GetFiles(outDir).Select(Path.GetFileName).Order()!);
        Assert.Equal(first.PlaceholderDataUri, second.PlaceholderDataUri);
    }

    [Fact]
    public void Placeholder_is_a_tiny_data_uri_and_dominant_colour_is_hex()
    {
        using var blue = Fixtures.Solid(640, 480, 20, 40, 200);
        var path = Write("blue.png", blue.PngsaveBuffer());
        var result = _processor.Render(path, [RenditionSpec.Width(320, "webp")], FocalPoint.Center, _dir.File("out"));
        Assert.StartsWith("data:image/webp;base64,", result.PlaceholderDataUri);
        Assert.True(result.PlaceholderDataUri.Length < 1024, $"{result.PlaceholderDataUri.Length} chars");
        Assert.Matches("^#[0-9a-f]{6}$", result.DominantColor);
        Assert.Equal("#1428c8", result.DominantColor);
    }

    [Fact]
    public void Demo_photo_placeholder_stays_under_one_kilobyte()
    {
        var path = Write("demo.jpg", Fixtures.DemoJpeg(900, 600, seed: 11));
        var result = _processor.Render(path, [RenditionSpec.Width(320, "jpg")], FocalPoint.Center, _dir.File("out"));
        Assert.True(result.PlaceholderDataUri.Length < 1024, $"{result.PlaceholderDataUri.Length} chars");
    }

    [Fact]
    public void Demo_images_differ_per_seed()
    {
        var a = _dir.File("a.jpg");
        var b = _dir.File("b.jpg");
        DemoImages.WriteJpeg(a, 1, 320, 240);
        DemoImages.WriteJpeg(b, 2, 320, 240);
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal((320, 240), (_processor.Probe(a).Width, _processor.Probe(a).Height));
    }

    [Fact]
    public void Runtime_blocks_loaders_outside_the_allow_list()
    {
        MediaRuntime.Initialize();
        MediaRuntime.Initialize(); // idempotent
        Assert.Equal(0, Cache.Max);
        // GIF is a real libvips loader but not allowed: libvips itself refuses to find it
        var gif = Write("x.gif", Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"));
        Assert.Null(Image.FindLoad(gif));
        Assert.Throws<VipsException>(() => { using var _ = Image.NewFromFile(gif); });
    }
}

public sealed class ColourTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Embedded_display_p3_profile_is_converted_to_srgb_before_stripping()
    {
        // an sRGB orange, converted to Display P3 numbers with the P3 profile attached
        using var srgb = Fixtures.Solid(200, 150, 230, 120, 40);
        using var p3 = srgb.IccTransform("p3", embedded: false, inputProfile: "srgb");
        using var p3u8 = p3.Cast(Enums.BandFormat.Uchar);
        Assert.True(p3u8.Contains("icc-profile-data"));
        var p3Pixel = p3u8.Getpoint(10, 10);
        Assert.True(Math.Abs(p3Pixel[0] - 230) + Math.Abs(p3Pixel[1] - 120) + Math.Abs(p3Pixel[2] - 40) > 15, "P3 numbers differ from sRGB ones");
        var path = _dir.File("p3.png");
        p3u8.Pngsave(path);

        var result = new VipsImageProcessor(new MediaOptions()).Render(path, [RenditionSpec.Width(100, "webp")], FocalPoint.Center, _dir.File("out"));

        using var output = Image.NewFromFile(result.Files[0].Path);
        Assert.False(output.Contains("icc-profile-data"));
        var px = output.Getpoint(50, 37);
        Assert.InRange(px[0], 222, 238);
        Assert.InRange(px[1], 112, 128);
        Assert.InRange(px[2], 32, 48);
    }
}

public sealed class InputVarietyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly VipsImageProcessor _processor = new(new MediaOptions());

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sixteen_bit_png_with_alpha_renders_opaque_8_bit_srgb()
    {
        using var rgb = Fixtures.Solid(120, 80, 0, 0, 255);
        using var alpha = Image.Black(120, 80).Linear([1], [128]).Cast(Enums.BandFormat.Uchar);
        using var rgba = rgb.Bandjoin(alpha);
        using var rgba16 = rgba.Colourspace(Enums.Interpretation.Rgb16);
        var path = _dir.File("a16.png");
        rgba16.Pngsave(path);

        var result = _processor.Render(path, [RenditionSpec.Width(60, "jpg"), RenditionSpec.Width(60, "webp")], FocalPoint.Center, _dir.File("out"));

        foreach (var f in result.Files)
        {
            using var img = Image.NewFromFile(f.Path);
            Assert.Equal(3, img.Bands);
            Assert.Equal(Enums.BandFormat.Uchar, img.Format);
            var px = img.Getpoint(30, 20); // half-transparent blue over white
            Assert.InRange(px[0], 110, 145);
            Assert.InRange(px[2], 240, 255);
        }
    }

    [Fact]
    public void Greyscale_jpeg_renders()
    {
        using var grey = Image.Black(90, 60).Linear([1], [77]).Cast(Enums.BandFormat.Uchar);
        var path = _dir.File("grey.jpg");
        grey.Jpegsave(path);
        var facts = _processor.Probe(path);
        Assert.Equal((90, 60), (facts.Width, facts.Height));
        var result = _processor.Render(path, [RenditionSpec.Width(45, "avif")], FocalPoint.Center, _dir.File("out"));
        Assert.Equal((45, 30), (result.Files[0].Width, result.Files[0].Height));
        Assert.Equal("#4d4d4d", result.DominantColor);
    }
}
