namespace Backstage.Media;

/// <summary>Image formats Backstage accepts as uploads (decided from the bytes, never the file name).</summary>
public enum ImageFormat { Jpeg, Png, WebP, Heif, Avif, Tiff }

/// <summary>Bound from configuration section "Backstage:Media" (the web app binds and validates it at start).</summary>
/// <remarks>
/// Binding gotcha (checked with Microsoft.Extensions.Configuration.Binder 10.0.14): binding APPENDS configured array
/// items to the default arrays (Widths:0=400 gives 320,…,2560,400), so the binder's caller replaces configured arrays
/// (see <c>Galleries.MediaOptionsSetup</c>).
/// </remarks>
public sealed class MediaOptions
{
    public const string SectionName = "Backstage:Media";

    public long MaxFileBytes { get; set; } = 60L * 1024 * 1024;
    /// <summary>Files one upload request may carry; the request limit is this × MaxFileBytes (plus form overhead).</summary>
    public int MaxFilesPerUpload { get; set; } = 20;
    public long MaxPixels { get; set; } = 100_000_000;
    public int[] Widths { get; set; } = [320, 640, 960, 1280, 1920, 2560];
    /// <summary>Output formats by extension: "avif", "webp", "jpg" (also "jpeg").</summary>
    public string[] Formats { get; set; } = ["avif", "webp", "jpg"];
    /// <summary>
    /// Widths that also get an AVIF rendition; null = all widths. Default from docs/benchmarks.md
    /// ("Rendition pipeline"): AVIF for every width except 2560. The 2560 AVIF alone costs about
    /// as much as the other five together and pushes peak memory past 300 MB with two photos in
    /// parallel; browsers asking for 2560 get WebP.
    /// </summary>
    public int[]? AvifWidths { get; set; } = [320, 640, 960, 1280, 1920];
    /// <summary>
    /// A photo is Ready (publishable) once its JPEG and WebP widths up to this one and its three crops exist: what phones
    /// (≤ 1280 device pixels wide), grids, covers and link previews need. The wider widths and every AVIF rendition
    /// follow in a second, lower-priority job, so a show's photos all become publishable before any photo gets its
    /// extras (docs/galleries.md, "Renditions"). Until then pages offer the widths that exist.
    /// </summary>
    public int ReadyMaxWidth { get; set; } = 1280;
    public int JpegQuality { get; set; } = 82;
    public int WebpQuality { get; set; } = 80;
    public int AvifQuality { get; set; } = 50;
    /// <summary>
    /// libheif/aom effort 0 (fastest) … 9 (slowest; libvips' default is 4, about 10× the CPU of
    /// the whole JPEG+WebP set). 0 keeps AVIF under the WebP set's CPU and the render under
    /// 300 MB peak with two photos in parallel; see docs/benchmarks.md.
    /// </summary>
    public int AvifEffort { get; set; } = 0;
    /// <summary>How long a taken-down photo's original is kept for "Restore" before the sweeper purges it.</summary>
    public int QuarantineDays { get; set; } = 30;
    /// <summary>
    /// Optional absolute http(s) base of a CDN that fronts /media (e.g. "https://cdn.example"): reader pages, feed and
    /// sitemap then point public renditions at "https://cdn.example/media/…". Empty: relative "/media/…" on this site.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
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

/// <summary>One file a render wrote: what was asked for (<see cref="Spec"/>), where it is and its real size.</summary>
public sealed record RenderedFile(RenditionSpec Spec, string Path, int Width, int Height, long Bytes)
{
    public string ContentType => Spec.ContentType;
}

public sealed record RenderResult(IReadOnlyList<RenderedFile> Files, string PlaceholderDataUri, string DominantColor, int Width, int Height);

public interface IImageProcessor
{
    ImageFacts Probe(string path);
    RenderResult Render(string sourcePath, IReadOnlyList<RenditionSpec> specs, FocalPoint focal, string outputDirectory);
}
