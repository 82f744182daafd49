using Backstage.Media;

namespace Backstage.Web.Galleries;

/// <summary>
/// A rendition row's spec, parsed once: "w1280.webp" (a width) or "f500-300/fill-1600x900.jpg" (a crop of the focal
/// point <see cref="FocalKey"/>). <see cref="Name"/> is the whole row spec: the file's key under the photo and its URL.
/// </summary>
public readonly record struct RenditionKey(string? FocalKey, RenditionSpec Spec)
{
    public string Name => FocalKey is null ? Spec.Name : $"{FocalKey}/{Spec.Name}";

    public static bool TryParse(string? name, out RenditionKey key)
    {
        key = default;
        if (name is null) return false;
        var slash = name.IndexOf('/');
        string? focal = slash < 0 ? null : name[..slash];
        if (!RenditionSpec.TryParse(slash < 0 ? name : name[(slash + 1)..], out var spec) || spec.IsFill != (focal is not null)) return false;
        if (focal is not null && (focal.Length is < 4 or > 12 || focal[0] != 'f' || !focal[1..].All(c => char.IsAsciiDigit(c) || c == '-'))) return false;
        key = new RenditionKey(focal, spec);
        return true;
    }
}

/// <summary>One rendition of a photo as pages use it: its typed key, size, type and URL.</summary>
public sealed record RenditionView(RenditionKey Key, int Width, int Height, string ContentType, string Url, DateTimeOffset CreatedAt);

/// <summary>
/// The typed read model of a photo's renditions (rows loaded with the photo): widths by format for srcsets, the JPEG for
/// feeds and structured data, and the crops of the current focal point. Rows whose spec does not parse are ignored.
/// </summary>
public sealed class PhotoRenditions
{
    private readonly List<RenditionView> _all;
    private readonly string? _focalKey;

    private PhotoRenditions(Photo photo, string mediaBase)
    {
        _focalKey = photo.RenderedFocalKey;
        _all = photo.Renditions
            .Select(r => RenditionKey.TryParse(r.Spec, out var key)
                ? new RenditionView(key, r.Width, r.Height, r.ContentType, mediaBase + MediaEndpoints.Url(photo.Id, r.Spec), r.CreatedAt) : null)
            .OfType<RenditionView>().ToList();
    }

    /// <summary>URLs under <paramref name="mediaBase"/> ("" for this site's /media); pages get one from <see cref="MediaUrls"/>.</summary>
    internal static PhotoRenditions Of(Photo photo, string mediaBase) => new(photo, mediaBase);

    /// <summary>Width renditions of one format ("avif", "webp", "jpg"), narrowest first.</summary>
    public IReadOnlyList<RenditionView> Widths(string extension) =>
        _all.Where(r => !r.Key.Spec.IsFill && r.Key.Spec.Extension == extension).OrderBy(r => r.Width).ToList();

    /// <summary>The widest JPEG no wider than <paramref name="maxWidth"/> (else the narrowest), or null while none is rendered.</summary>
    public RenditionView? Jpeg(int maxWidth)
    {
        var jpgs = Widths("jpg");
        return jpgs.LastOrDefault(r => r.Width <= maxWidth) ?? jpgs.FirstOrDefault();
    }

    /// <summary>The studio's thumbnail (<see cref="RenditionPlanner.Thumbnail"/>), or null while none is rendered.</summary>
    public RenditionView? Thumbnail() =>
        RenditionPlanner.Thumbnail(_all.Select(r => r.Key.Spec)) is { } spec ? _all.First(r => r.Key.Spec == spec) : null;

    /// <summary>A crop for the rendered focal point; while a new one renders, the newest crop of that spec.</summary>
    public RenditionView? Crop(RenditionSpec spec)
    {
        var crops = _all.Where(r => r.Key.Spec == spec).ToList();
        return crops.FirstOrDefault(r => r.Key.FocalKey == _focalKey) ?? crops.MaxBy(r => r.CreatedAt);
    }
}
