using System.Globalization;
using NetVips;

namespace Backstage.Media;

/// <summary>
/// The libvips pipeline: bytes-first format check, header-only pixel limit, fail-on-error decode,
/// one shrink-on-load decode per render, cascade down the widths, metadata-free encodes, atomic writes.
/// Thread-safe; run up to <see cref="MediaRuntime.RecommendedParallelism"/> renders side by side.
/// HEIC that this libvips cannot decode (HEVC) is decoded by <see cref="HeicDecoder"/> and then
/// takes the same resize/crop/encode path.
/// </summary>
public sealed class VipsImageProcessor(MediaOptions options) : IImageProcessor
{
    /// <summary>libvips' largest coordinate; used as "no height constraint" for Thumbnail.</summary>
    private const int Unbounded = 10_000_000;
    private const int LqipWidth = 20;

    public VipsImageProcessor() : this(new MediaOptions()) { }

    public MediaOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    public ImageFacts Probe(string path)
    {
        MediaRuntime.Initialize();
        var format = CheckBytes(path);
        if (HeicDecoder.Handles(format)) return ProbeHeic(path);
        int width, height;
        Credits credits;
        using (var header = OpenHeader(path, format))
        {
            (width, height) = OrientedSize(header);
            credits = ReadCredits(
                header.Contains("exif-data") ? header.Get("exif-data") as byte[] : null,
                header.Contains("xmp-data") ? header.Get("xmp-data") as byte[] : null);
        }
        VerifyDecodes(path, format);
        return new ImageFacts(format, width, height, credits.CapturedAt, credits.Make, credits.Model, credits.Creator, credits.Copyright);
    }

    /// <summary>
    /// Same facts as for the other formats, from Magick's header read: the size is as displayed
    /// (libheif already applied the HEIF rotation/mirror; HEIF says EXIF orientation is not to be
    /// applied on top), the credit fields come from the raw EXIF/XMP with the same parsers.
    /// </summary>
    private ImageFacts ProbeHeic(string path)
    {
        byte[] file = File.ReadAllBytes(path); // at most MaxFileBytes, checked by CheckBytes
        var header = HeicDecoder.Ping(file);
        CheckPixels(header.Width, header.Height);
        var credits = ReadCredits(header.Exif, header.Xmp);
        HeicDecoder.Verify(file);
        return new ImageFacts(ImageFormat.Heif, header.Width, header.Height, credits.CapturedAt, credits.Make, credits.Model, credits.Creator, credits.Copyright);
    }

    private readonly record struct Credits(string? Make, string? Model, string? Creator, string? Copyright, DateTimeOffset? CapturedAt);

    /// <summary>Camera, capture time and credit from raw EXIF ("Exif\0\0" + TIFF), creator/rights from XMP where EXIF has none.</summary>
    private static Credits ReadCredits(byte[]? exifBlob, byte[]? xmp)
    {
        var credits = ExifReader.Read(exifBlob) is { } exif
            ? new Credits(exif.Make, exif.Model, exif.Artist, exif.Copyright, exif.CapturedAt)
            : default;
        if (xmp is not null)
        {
            try
            {
                var (xmpCreator, xmpRights) = XmpReader.Read(xmp);
                credits = credits with { Creator = credits.Creator ?? xmpCreator, Copyright = credits.Copyright ?? xmpRights };
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException) { /* pathological XMP: ignore */ }
        }
        return credits;
    }

    public RenderResult Render(string sourcePath, IReadOnlyList<RenditionSpec> specs, FocalPoint focal, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        MediaRuntime.Initialize();
        focal = focal.Clamp();
        var format = CheckBytes(sourcePath);
        int ow, oh;
        bool hasProfile = false;
        byte[]? heic = null;
        if (HeicDecoder.Handles(format))
        {
            heic = File.ReadAllBytes(sourcePath); // at most MaxFileBytes, checked by CheckBytes
            var header = HeicDecoder.Ping(heic);
            CheckPixels(header.Width, header.Height);
            (ow, oh) = (header.Width, header.Height);
        }
        else
        {
            using var header = OpenHeader(sourcePath, format);
            (ow, oh) = OrientedSize(header);
            hasProfile = header.Contains("icc-profile-data");
        }

        // One decode, shrunk on load to the largest width any rendition needs (never above the source).
        int decodeWidth = Math.Min(ow, LqipWidth * 2);
        foreach (var s in specs)
        {
            int need = s.IsFill
                ? (int)Math.Ceiling(ow * Math.Max((double)s.TargetWidth / ow, (double)s.TargetHeight!.Value / oh)) + 1
                : s.TargetWidth;
            decodeWidth = Math.Max(decodeWidth, Math.Min(need, ow));
        }

        Directory.CreateDirectory(outputDirectory);
        var files = new List<RenderedFile>(specs.Count);
        using var decoded = heic is null ? Decode(sourcePath, decodeWidth, hasProfile) : DecodeHeic(heic, decodeWidth);

        foreach (var fill in specs.Where(s => s.IsFill))
        {
            using var cropped = FillCrop(decoded, fill.TargetWidth, fill.TargetHeight!.Value, focal);
            files.Add(Write(cropped, fill, outputDirectory));
        }

        // Cascade: each width is resized from the previous (next larger) level, then that level is freed.
        Image level = decoded;
        try
        {
            foreach (var group in specs.Where(s => !s.IsFill).GroupBy(s => Math.Min(s.TargetWidth, decoded.Width)).OrderByDescending(g => g.Key))
            {
                if (group.Key < level.Width)
                {
                    var next = ResizeToWidth(level, group.Key);
                    if (!ReferenceEquals(level, decoded)) level.Dispose();
                    level = next;
                }
                foreach (var spec in group.DistinctBy(s => s.Name)) files.Add(Write(level, spec, outputDirectory));
            }
            var (lqip, dominant) = Placeholder(level);
            return new RenderResult(files, lqip, dominant, ow, oh);
        }
        finally
        {
            if (!ReferenceEquals(level, decoded)) level.Dispose();
        }
    }

    /// <summary>Convenience: <see cref="RenditionPlanner.Plan"/> for the source, then <see cref="Render"/>.</summary>
    public RenderResult RenderPlanned(string sourcePath, FocalPoint focal, string outputDirectory)
    {
        var facts = Probe(sourcePath);
        return Render(sourcePath, RenditionPlanner.Plan(facts.Width, Options), focal, outputDirectory);
    }

    // ---- checks -------------------------------------------------------------------------------

    private ImageFormat CheckBytes(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ImageRejectedException("file not found");
        if (info.Length == 0) throw new ImageRejectedException("file is empty");
        if (info.Length > Options.MaxFileBytes) throw new ImageRejectedException($"larger than {Sizes.Human(Options.MaxFileBytes)}");
        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        int n;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var format = FormatSniffer.Sniff(head[..n], out var looksLike);
        if (format is null) throw new ImageRejectedException($"not a supported image (looks like {looksLike})");

        // HEVC HEIC this libvips cannot decode: Magick's HEIC reader takes it, or nothing does.
        if (HeicDecoder.Handles(format.Value))
            return HeicDecoder.IsAvailable ? format.Value : throw new ImageRejectedException(HeicDecoder.UnreadableReason);

        // libvips must agree, with only the allowed loaders enabled (blocked loaders are not found).
        var loader = Image.FindLoad(path);
        if (loader is null || !MediaRuntime.AllowedLoaders.Any(a => loader.StartsWith(a, StringComparison.Ordinal)) || !LoaderMatches(format.Value, loader))
        {
            throw format is ImageFormat.Heif
                ? new ImageRejectedException(HeicDecoder.UnreadableReason)
                : new ImageRejectedException("image is truncated or corrupt");
        }
        return format.Value;
    }

    private static bool LoaderMatches(ImageFormat format, string loader) => format switch
    {
        ImageFormat.Jpeg => loader.StartsWith("VipsForeignLoadJpeg", StringComparison.Ordinal),
        ImageFormat.Png => loader.StartsWith("VipsForeignLoadPng", StringComparison.Ordinal),
        ImageFormat.WebP => loader.StartsWith("VipsForeignLoadWebp", StringComparison.Ordinal),
        ImageFormat.Tiff => loader.StartsWith("VipsForeignLoadTiff", StringComparison.Ordinal),
        ImageFormat.Heif or ImageFormat.Avif => loader.StartsWith("VipsForeignLoadHeif", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Opens the header only (no pixel decode) and enforces the pixel limit.</summary>
    private Image OpenHeader(string path, ImageFormat format)
    {
        Image header;
        try
        {
            header = Image.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        }
        catch (VipsException)
        {
            throw format is ImageFormat.Heif
                ? new ImageRejectedException(HeicDecoder.UnreadableReason)
                : new ImageRejectedException("image is truncated or corrupt");
        }
        try
        {
            CheckPixels(header.Width, header.Height);
        }
        catch
        {
            header.Dispose();
            throw;
        }
        return header;
    }

    /// <summary>Refuses images over <see cref="MediaOptions.MaxPixels"/>; call with header sizes, before decoding.</summary>
    private void CheckPixels(int width, int height)
    {
        long pixels = (long)width * height;
        if (pixels > Options.MaxPixels)
        {
            throw new ImageRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"{width}×{height} is {pixels / 1e6:0.#} megapixels, over the {Options.MaxPixels / 1e6:0.#} megapixel limit"));
        }
    }

    /// <summary>Full decode of a small shrink-on-load thumbnail with fail-on-error: catches truncation and corruption.</summary>
    private static void VerifyDecodes(string path, ImageFormat format)
    {
        try
        {
            using var thumb = Image.Thumbnail(path, 64, height: 64, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
            _ = thumb.Avg();
        }
        catch (VipsException)
        {
            throw format is ImageFormat.Heif
                ? new ImageRejectedException("HEIC image could not be decoded here; please export it as JPEG")
                : new ImageRejectedException("image is truncated or corrupt");
        }
    }

    private static (int Width, int Height) OrientedSize(Image header)
    {
        int orientation = header.Contains("orientation") && header.Get("orientation") is int o ? o : 1;
        return orientation is >= 5 and <= 8 ? (header.Height, header.Width) : (header.Width, header.Height);
    }

    // ---- pixels -------------------------------------------------------------------------------

    /// <summary>
    /// Shrink-on-load decode to <paramref name="width"/> (height unconstrained), auto-rotated,
    /// sRGB, 8-bit, no alpha, in memory. An embedded ICC profile (e.g. Display P3) is converted
    /// to sRGB here, before metadata is stripped on save, so colours don't shift. Without a
    /// profile the pixels are already sRGB: asking for an output profile anyway would run a
    /// needless sRGB→sRGB colour transform that measured 4× the cost of the decode itself.
    /// </summary>
    private static Image Decode(string path, int width, bool hasProfile) =>
        Finish(Image.Thumbnail(path, width, height: Unbounded, size: Enums.Size.Down,
            outputProfile: hasProfile ? "srgb" : null, failOn: Enums.FailOn.Error));

    /// <summary>
    /// <see cref="Decode"/> for HEIC decoded by Magick: the full-size pixels are resized to
    /// <paramref name="width"/> (no shrink-on-load for HEVC) and copied out before Magick's
    /// memory is released. Not rotated: libheif already applied the HEIF transforms and the
    /// pixels carry no EXIF orientation. ICC profile (iPhones: Display P3) converted to sRGB.
    /// </summary>
    private static Image DecodeHeic(byte[] file, int width) =>
        HeicDecoder.Decode(file, (full, hasProfile) => Finish(full.ThumbnailImage(width, height: Unbounded, size: Enums.Size.Down,
            noRotate: true, outputProfile: hasProfile ? "srgb" : null, failOn: Enums.FailOn.Error)));

    /// <summary>sRGB, no alpha, 8-bit, in memory. Takes ownership of <paramref name="first"/>.</summary>
    private static Image Finish(Image first)
    {
        var stage = new List<Image>(4) { first };
        try
        {
            var img = first;
            if (img.Interpretation is not Enums.Interpretation.Srgb)
            {
                img = img.Colourspace(Enums.Interpretation.Srgb);
                stage.Add(img);
            }
            if (img.HasAlpha())
            {
                img = img.Flatten(background: [255, 255, 255]); // renditions are opaque (JPEG has no alpha)
                stage.Add(img);
            }
            if (img.Format is not Enums.BandFormat.Uchar)
            {
                img = img.Cast(Enums.BandFormat.Uchar);
                stage.Add(img);
            }
            try
            {
                return img.CopyMemory();
            }
            catch (VipsException)
            {
                throw new ImageRejectedException("image is truncated or corrupt");
            }
        }
        finally
        {
            foreach (var s in stage) s.Dispose();
        }
    }

    private static Image ResizeToWidth(Image source, int width)
    {
        double scale = (double)width / source.Width;
        using var resized = source.Resize(scale, kernel: Enums.Kernel.Lanczos3, vscale: scale);
        return resized.CopyMemory();
    }

    /// <summary>
    /// Scales to cover w×h and crops around the focal point (the window is centred on the focal
    /// point, then clamped inside the image). If covering would need upscaling, the largest
    /// window of the w:h aspect ratio is cut from the source unscaled instead, so the file is
    /// smaller than asked; its real size is in <see cref="RenderedFile"/>.
    /// </summary>
    internal static Image FillCrop(Image source, int w, int h, FocalPoint focal)
    {
        double scale = Math.Max((double)w / source.Width, (double)h / source.Height);
        if (scale > 1)
        {
            double aspect = (double)w / h;
            int cw = source.Width, ch = (int)Math.Round(cw / aspect, MidpointRounding.AwayFromZero);
            if (ch > source.Height)
            {
                ch = source.Height;
                cw = Math.Clamp((int)Math.Round(ch * aspect, MidpointRounding.AwayFromZero), 1, source.Width);
            }
            return CropAround(source, Math.Max(1, cw), Math.Max(1, ch), focal);
        }
        if (scale == 1) return CropAround(source, w, h, focal);
        using var resized = source.Resize(scale, kernel: Enums.Kernel.Lanczos3, vscale: scale);
        using var mem = resized.CopyMemory();
        return CropAround(mem, Math.Min(w, mem.Width), Math.Min(h, mem.Height), focal);
    }

    private static Image CropAround(Image source, int cw, int ch, FocalPoint focal)
    {
        int left = Math.Clamp((int)Math.Round(focal.X * source.Width - cw / 2.0), 0, source.Width - cw);
        int top = Math.Clamp((int)Math.Round(focal.Y * source.Height - ch / 2.0), 0, source.Height - ch);
        using var crop = source.Crop(left, top, cw, ch);
        return crop.CopyMemory();
    }

    private (string DataUri, string Dominant) Placeholder(Image smallest)
    {
        using var tiny = smallest.Width > LqipWidth ? ResizeToWidth(smallest, LqipWidth) : smallest.CopyMemory();
        string dominant = DominantColor(tiny);
        using var blurred = tiny.Gaussblur(0.7);
        byte[] webp = blurred.WebpsaveBuffer(q: 40, keep: Enums.ForeignKeep.None);
        if (webp.Length > 700) webp = blurred.WebpsaveBuffer(q: 10, keep: Enums.ForeignKeep.None);
        return ($"data:{RenditionSpec.ContentTypeFor("webp")};base64," + Convert.ToBase64String(webp), dominant);
    }

    /// <summary>Most populated 4-bit-per-channel colour bin, averaged; "#rrggbb".</summary>
    internal static string DominantColor(Image img)
    {
        byte[] px = img.WriteToMemory<byte>();
        int bands = img.Bands;
        var count = new int[4096];
        var sum = new long[4096 * 3];
        for (int i = 0; i + 2 < px.Length; i += bands)
        {
            int bin = ((px[i] >> 4) << 8) | ((px[i + 1] >> 4) << 4) | (px[i + 2] >> 4);
            count[bin]++;
            sum[bin * 3] += px[i];
            sum[bin * 3 + 1] += px[i + 1];
            sum[bin * 3 + 2] += px[i + 2];
        }
        int best = 0;
        for (int b = 1; b < count.Length; b++) if (count[b] > count[best]) best = b;
        if (count[best] == 0) return "#808080";
        int n = count[best];
        return string.Create(CultureInfo.InvariantCulture, $"#{sum[best * 3] / n:x2}{sum[best * 3 + 1] / n:x2}{sum[best * 3 + 2] / n:x2}");
    }

    // ---- output -------------------------------------------------------------------------------

    private RenderedFile Write(Image img, RenditionSpec spec, string directory)
    {
        byte[] data = Encode(img, spec.Extension);
        string path = Path.GetFullPath(Path.Combine(directory, spec.Name));
        AtomicFile.Write(path, data);
        return new RenderedFile(spec, path, img.Width, img.Height, data.Length);
    }

    /// <summary>Encodes with every piece of metadata (EXIF, XMP, IPTC, ICC) stripped.</summary>
    internal byte[] Encode(Image img, string extension) => RenditionSpec.NormalizeExtension(extension) switch
    {
        "jpg" => img.JpegsaveBuffer(q: Options.JpegQuality, optimizeCoding: true, keep: Enums.ForeignKeep.None),
        "webp" => img.WebpsaveBuffer(q: Options.WebpQuality, keep: Enums.ForeignKeep.None),
        "avif" => img.HeifsaveBuffer(q: Options.AvifQuality, bitdepth: 8, compression: Enums.ForeignHeifCompression.Av1,
            effort: Math.Clamp(Options.AvifEffort, 0, 9), keep: Enums.ForeignKeep.None),
        var other => throw new ArgumentOutOfRangeException(nameof(extension), other, null),
    };
}

/// <summary>Write-to-temp, flush to disk, rename: readers never see a half-written file.</summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> data)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Idempotent re-runs: identical content already in place is left untouched.
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == data.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(data)) return;
        string tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                fs.Write(data);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
