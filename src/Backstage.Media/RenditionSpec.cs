using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Backstage.Media;

/// <summary>
/// One derived file: "w{width}.{ext}" (scaled to a width, aspect kept) or "fill-{w}x{h}.{ext}"
/// (scaled to cover w×h and cropped around the focal point). <see cref="Name"/> is the file name.
/// </summary>
public readonly record struct RenditionSpec
{
    public const int MaxDimension = 10_000;

    private RenditionSpec(int width, int? height, string extension)
    {
        TargetWidth = width;
        TargetHeight = height;
        Extension = extension;
    }

    public int TargetWidth { get; }
    /// <summary>Null for width renditions; the crop height for fill renditions.</summary>
    public int? TargetHeight { get; }
    public bool IsFill => TargetHeight is not null;
    /// <summary>Canonical extension: "jpg", "webp" or "avif".</summary>
    public string Extension { get; }

    public string Name => IsFill
        ? string.Create(CultureInfo.InvariantCulture, $"fill-{TargetWidth}x{TargetHeight}.{Extension}")
        : string.Create(CultureInfo.InvariantCulture, $"w{TargetWidth}.{Extension}");

    public string ContentType => ContentTypeFor(Extension);

    public static RenditionSpec Width(int w, string ext) => new(CheckDim(w), null, NormalizeExtension(ext));

    public static RenditionSpec Fill(int w, int h, string ext) => new(CheckDim(w), CheckDim(h), NormalizeExtension(ext));

    public static bool TryParse(string? s, out RenditionSpec spec)
    {
        spec = default;
        if (string.IsNullOrEmpty(s) || s.Length > 40) return false;
        int dot = s.LastIndexOf('.');
        if (dot <= 0) return false;
        if (!TryNormalizeExtension(s[(dot + 1)..], out var ext) || ext != s[(dot + 1)..]) return false;
        var body = s.AsSpan(0, dot);
        if (body.StartsWith("w") && TryDim(body[1..], out int w))
        {
            spec = new RenditionSpec(w, null, ext);
            return true;
        }
        if (body.StartsWith("fill-"))
        {
            var dims = body[5..];
            int x = dims.IndexOf('x');
            if (x > 0 && TryDim(dims[..x], out int fw) && TryDim(dims[(x + 1)..], out int fh))
            {
                spec = new RenditionSpec(fw, fh, ext);
                return true;
            }
        }
        return false;
    }

    public static RenditionSpec Parse(string s) =>
        TryParse(s, out var spec) ? spec : throw new FormatException($"'{s}' is not a rendition name like w1280.webp or fill-1200x630.jpg");

    public override string ToString() => Name;

    public static string ContentTypeFor(string extension) => NormalizeExtension(extension) switch
    {
        "jpg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => throw new ArgumentOutOfRangeException(nameof(extension)),
    };

    public static string NormalizeExtension(string ext) =>
        TryNormalizeExtension(ext, out var n) ? n : throw new ArgumentException($"unsupported rendition format '{ext}' (use jpg, webp or avif)", nameof(ext));

    public static bool TryNormalizeExtension(string? ext, [NotNullWhen(true)] out string? normalized)
    {
        normalized = ext?.Trim().TrimStart('.').ToLowerInvariant() switch
        {
            "jpg" or "jpeg" => "jpg",
            "webp" => "webp",
            "avif" => "avif",
            _ => null,
        };
        return normalized is not null;
    }

    private static bool TryDim(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        // canonical digits only: no sign, no leading zero, no whitespace
        if (s.Length is 0 or > 5 || s[0] == '0') return false;
        foreach (var c in s) if (c is < '0' or > '9') return false;
        value = int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        return value is >= 1 and <= MaxDimension;
    }

    private static int CheckDim(int v) =>
        v is >= 1 and <= MaxDimension ? v : throw new ArgumentOutOfRangeException(nameof(v), v, $"dimension must be 1..{MaxDimension}");
}

public static class RenditionPlanner
{
    public static readonly RenditionSpec Cover = RenditionSpec.Fill(1600, 900, "jpg");
    public static readonly RenditionSpec Grid = RenditionSpec.Fill(800, 1000, "jpg");
    public static readonly RenditionSpec OpenGraph = RenditionSpec.Fill(1200, 630, "jpg");

    /// <summary>
    /// Widths no larger than the (oriented) source width, never upscaled; a source narrower than
    /// the smallest configured width gets one rendition at its own width. Each width × each
    /// configured format (AVIF only for <see cref="MediaOptions.AvifWidths"/> when set), then the
    /// three crops (Cover, Grid, OpenGraph).
    /// </summary>
    public static IReadOnlyList<RenditionSpec> Plan(int width, MediaOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var widths = o.Widths.Where(w => w >= 1 && w <= width).Distinct().Order().ToList();
        if (widths.Count == 0) widths.Add(Math.Min(width, RenditionSpec.MaxDimension));
        var formats = o.Formats.Select(RenditionSpec.NormalizeExtension).Distinct().ToList();
        var avifWidths = o.AvifWidths is null ? null : new HashSet<int>(o.AvifWidths);
        var specs = new List<RenditionSpec>();
        foreach (var w in widths)
        {
            foreach (var f in formats)
            {
                // AVIF restricted to AvifWidths; but a tiny source that got no configured width keeps all formats
                if (f == "avif" && avifWidths is not null && !avifWidths.Contains(w) && o.Widths.Contains(w)) continue;
                specs.Add(RenditionSpec.Width(w, f));
            }
        }
        specs.Add(Cover);
        specs.Add(Grid);
        specs.Add(OpenGraph);
        return specs;
    }

    /// <summary>
    /// The one thumbnail rule: the narrowest JPEG width rendition among <paramref name="available"/> (the studio's thumbnails
    /// and the perceptual hash's input), or null when there is none.
    /// </summary>
    public static RenditionSpec? Thumbnail(IEnumerable<RenditionSpec> available) =>
        available.Where(s => !s.IsFill && s.Extension == "jpg").OrderBy(s => s.TargetWidth).Select(s => (RenditionSpec?)s).FirstOrDefault();

    /// <summary>
    /// Renditions that wait for the follow-up render after the photo is Ready: every AVIF, and widths above
    /// <see cref="MediaOptions.ReadyMaxWidth"/>. Crops are never deferred (covers, grids and link previews use them).
    /// </summary>
    public static bool IsLater(RenditionSpec spec, MediaOptions o) =>
        !spec.IsFill && (spec.Extension == "avif" || spec.TargetWidth > o.ReadyMaxWidth);
}
