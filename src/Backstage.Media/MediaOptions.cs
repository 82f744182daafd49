namespace Backstage.Media;

/// <summary>Image formats Backstage accepts as uploads (decided from the bytes, never the file name).</summary>
public enum ImageFormat { Jpeg, Png, WebP, Heif, Avif, Tiff }

/// <summary>Bound from configuration section "Backstage:Media".</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Backstage:Media";

    public long MaxFileBytes { get; set; } = 60L * 1024 * 1024;
    public long MaxPixels { get; set; } = 100_000_000;
    public int[] Widths { get; set; } = [320, 640, 960, 1280, 1920, 2560];
    /// <summary>Output formats by extension: "avif", "webp", "jpg" (also "jpeg").</summary>
    public string[] Formats { get; set; } = ["avif", "webp", "jpg"];
    /// <summary>
    /// Widths that also get an AVIF rendition; null = all widths. Default from docs/benchmarks.md
    /// ("Rendition pipeline"): AVIF for every width except 2560 keeps AVIF's CPU cost at or
    /// below the WebP set's.
    /// </summary>
    public int[]? AvifWidths { get; set; } = [320, 640, 960, 1280, 1920];
    public int JpegQuality { get; set; } = 82;
    public int WebpQuality { get; set; } = 80;
    public int AvifQuality { get; set; } = 50;
    /// <summary>libheif/aom effort 0 (fastest) … 9 (slowest). Chosen in docs/benchmarks.md.</summary>
    public int AvifEffort { get; set; } = 2;
}

/// <summary>An upload that Backstage refuses; <see cref="Reason"/> is shown to the editor.</summary>
public sealed class ImageRejectedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

public sealed record ImageFacts(ImageFormat Format, int Width, int Height,
    DateTimeOffset? CapturedAt, string? CameraMake, string? CameraModel, string? Creator, string? Copyright);

/// <summary>Point of interest in relative coordinates, 0..1 from the top-left.</summary>
public readonly record struct FocalPoint(double X, double Y)
{
    public static FocalPoint Center => new(0.5, 0.5);

    public FocalPoint Clamp() => new(Math.Clamp(double.IsFinite(X) ? X : 0.5, 0, 1), Math.Clamp(double.IsFinite(Y) ? Y : 0.5, 0, 1));
}

public sealed record RenderedFile(string Spec, string Path, int Width, int Height, long Bytes, string ContentType);

public sealed record RenderResult(IReadOnlyList<RenderedFile> Files, string PlaceholderDataUri, string DominantColor, int Width, int Height);

public interface IImageProcessor
{
    ImageFacts Probe(string path);
    RenderResult Render(string sourcePath, IReadOnlyList<RenditionSpec> specs, FocalPoint focal, string outputDirectory);
}
