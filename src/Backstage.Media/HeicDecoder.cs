using ImageMagick;
using NetVips;

namespace Backstage.Media;

/// <summary>
/// HEIC fallback. iPhones write HEIC: HEVC-coded images in a HEIF container. The libheif inside
/// NetVips.Native is built with AV1 only (HEVC is patent-encumbered, so the bundle leaves it out):
/// libvips reads the container and the header but cannot decode the pixels. Magick.NET's bundled
/// libheif has an HEVC decoder (libde265), so for files our sniffer calls HEIC — and only those —
/// Magick decodes, and the pixels go on through the usual libvips pipeline (resize, crop, encode
/// without metadata). If libvips itself can decode HEVC (a future NetVips.Native, or a system
/// libvips), HEIC stays on the libvips path and Magick is never touched.
/// </summary>
/// <remarks>
/// Containment: Magick only ever sees the bytes of a file <see cref="FormatSniffer"/> identified as
/// HEIC, read from memory (never a file name, so no "format:" prefixes, "|pipes" or "@lists") with
/// the format forced to <see cref="MagickFormat.Heic"/>, so no other ImageMagick coder can be reached
/// (a JPEG handed over this way is refused, see the tests). The pixel limit is checked from the header
/// (<see cref="Ping"/> decodes nothing) before any decode, and process-wide resource limits cap
/// whatever slips past. ImageMagick's HEIC reader works from a file: Magick copies the bytes to a
/// magick-* file in the system temp directory for the read and deletes it afterwards.
/// </remarks>
internal static class HeicDecoder
{
    public const string UnreadableReason = "HEIC image could not be read here; please export it as JPEG";
    public const string CorruptReason = "HEIC image is truncated or corrupt";
    public const string TooLargeReason = "HEIC image is too large to decode here";

    /// <summary>Longest side Magick may allocate; libheif refuses larger images by default too.</summary>
    internal const int MaxSide = 32_768;
    /// <summary>
    /// Largest image Magick may allocate (256 MP). Above the default MediaOptions.MaxPixels
    /// (100 MP), which is checked first from the header with the usual message; this is the backstop.
    /// </summary>
    internal const long MaxArea = 256_000_000;
    /// <summary>Pixel-cache memory: 256 MP × 4 bytes (RGBA, 8-bit) fits, nothing larger.</summary>
    internal const long MaxMemory = 1L << 30;

    internal sealed record Header(int Width, int Height, byte[]? Exif, byte[]? Xmp);

    private static readonly Lazy<bool> MagickReadsHeic = new(InitializeMagick, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<bool> VipsReadsHevc = new(VipsDecodesHevc, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// A 64×64 HEVC HEIC (heif-enc -q 10, 383 bytes). Decoding it once tells whether this libvips
    /// has an HEVC decoder; libvips itself offers no way to ask.
    /// </summary>
    private const string HevcSample =
        "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAUJtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAABAAAAImlsb2MAAAAAREAAAQAB" +
        "AAAAAAFmAAEAAAAAAAAAGQAAACNpaW5mAAAAAAABAAAAFWluZmUCAAAAAAEAAGh2YzEAAAAAwmlwcnAAAACkaXBjbwAAAHhodmNDAQNwAAAAAAAAAAAAHvAA/P34+AAADwMgAAEA" +
        "GEABDAH//wNwAAADAJAAAAMAAAMAHroCQCEAAQArQgEBA3AAAAMAkAAAAwAAAwAeoCCBBZbqSSmubgQEDAgAAAMACAAAAwAIQCIAAQAHRAHBcrAiQAAAABRpc3BlAAAAAAAAAEAA" +
        "AABAAAAAEHBpeGkAAAAAAwgICAAAABZpcG1hAAAAAAAAAAEAAQOBAoMAAAAhbWRhdAAAABUoAa8EGPyu3yOzvP8WpUmCP390RnA=";

    /// <summary>True when a file of <paramref name="format"/> must be decoded here instead of by libvips. Call after <see cref="MediaRuntime.Initialize"/>.</summary>
    public static bool Handles(ImageFormat format) => format is ImageFormat.Heif && !VipsReadsHevc.Value;

    /// <summary>False when Magick.NET's native library is missing or was built without HEIC.</summary>
    public static bool IsAvailable => MagickReadsHeic.Value;

    private static bool VipsDecodesHevc()
    {
        // The expected failure makes libvips print "VIPS-WARNING … error in tile" lines to stderr: a question, not a
        // problem, so its warnings are muted for this one decode.
        var mute = Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning, (_, _, _) => { });
        try
        {
            using var img = Image.NewFromBuffer(Convert.FromBase64String(HevcSample), failOn: Enums.FailOn.Error);
            _ = img.Avg();
            return true;
        }
        catch (VipsException)
        {
            return false;
        }
        finally
        {
            Log.RemoveLogHandler("VIPS", mute);
        }
    }

    /// <summary>Loads the native library (first touch) and sets the process-wide limits, once.</summary>
    private static bool InitializeMagick()
    {
        try
        {
            ResourceLimits.Width = MaxSide;
            ResourceLimits.Height = MaxSide;
            ResourceLimits.Area = MaxArea;
            ResourceLimits.Memory = MaxMemory;
            // one thread per decode: renders already run side by side (MediaRuntime.RecommendedParallelism)
            ResourceLimits.Thread = 1;
            return MagickNET.SupportedFormats.Any(f => f.Format == MagickFormat.Heic && f.SupportsReading);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static MagickReadSettings Settings()
    {
        if (!IsAvailable) throw new ImageRejectedException(UnreadableReason);
        return new MagickReadSettings { Format = MagickFormat.Heic };
    }

    /// <summary>
    /// Header only: size as displayed (libheif applies the HEIF irot/imir transforms, so EXIF
    /// orientation must not be applied again), raw EXIF and XMP. No pixel is decoded.
    /// </summary>
    public static Header Ping(byte[] file)
    {
        var settings = Settings();
        using var img = new MagickImage();
        try
        {
            img.Ping(file, settings);
        }
        catch (MagickException)
        {
            throw new ImageRejectedException(CorruptReason);
        }
        if (img.Width is 0 or > int.MaxValue || img.Height is 0 or > int.MaxValue) throw new ImageRejectedException(CorruptReason);
        return new Header((int)img.Width, (int)img.Height,
            img.GetProfile("exif")?.ToReadOnlySpan().ToArray(), img.GetProfile("xmp")?.ToReadOnlySpan().ToArray());
    }

    /// <summary>
    /// Decodes the whole image and hands it to <paramref name="use"/> as an 8-bit sRGB(A) libvips
    /// image with the file's ICC profile attached (true in the second argument) and no other
    /// metadata. The libvips image borrows Magick's pixel memory: it is only valid inside
    /// <paramref name="use"/>, whose result must not reference it (copy to memory before returning).
    /// </summary>
    /// <remarks>
    /// Memory: HEVC has no shrink-on-load, so the full image is decoded once. While Magick reads,
    /// libheif's decoded planes briefly sit next to Magick's pixels; they are freed when the read
    /// returns. libvips then reads Magick's pixel cache in place instead of a copy, so the render
    /// holds one full-size 8-bit image (3–4 bytes a pixel: 36 MB for a 12 MP iPhone photo; at most
    /// MaxPixels × 4, capped again by <see cref="MaxArea"/>/<see cref="MaxMemory"/>) plus the
    /// file's bytes and what <paramref name="use"/> keeps, which is only the decode-width copy.
    /// </remarks>
    public static Image Decode(byte[] file, Func<Image, bool, Image> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        using var img = Read(file);
        // libheif hands ImageMagick interleaved RGB(A); make sure of it before reading the cache raw
        if (img.ColorSpace != ColorSpace.sRGB || img.ChannelCount is not (3 or 4))
            img.ColorType = img.HasAlpha ? ColorType.TrueColorAlpha : ColorType.TrueColor;
        int bands = (int)img.ChannelCount, width = (int)img.Width, height = (int)img.Height;
        if (bands is not (3 or 4)) throw new ImageRejectedException(CorruptReason);
        byte[]? icc = img.GetProfile("icc")?.ToReadOnlySpan().ToArray();

        using var pixels = img.GetPixelsUnsafe();
        IntPtr data = pixels.GetAreaPointer(0, 0, img.Width, img.Height);
        if (data == IntPtr.Zero) throw new ImageRejectedException(CorruptReason);
        using var borrowed = Image.NewFromMemory(data, (ulong)width * (ulong)height * (ulong)bands, width, height, bands, Enums.BandFormat.Uchar);
        using var srgb = borrowed.Copy(interpretation: Enums.Interpretation.Srgb);
        if (icc is null) return use(srgb, false);
        using var tagged = srgb.Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", icc));
        return use(tagged, true);
    }

    /// <summary>Full decode, pixels discarded: catches truncation the header does not show.</summary>
    public static void Verify(byte[] file)
    {
        using var img = Read(file);
    }

    private static MagickImage Read(byte[] file)
    {
        var settings = Settings();
        var img = new MagickImage();
        try
        {
            img.Read(file, settings);
            return img;
        }
        catch (MagickResourceLimitErrorException)
        {
            img.Dispose();
            throw new ImageRejectedException(TooLargeReason);
        }
        catch (MagickException)
        {
            img.Dispose();
            throw new ImageRejectedException(CorruptReason);
        }
    }
}
