using Backstage.Media;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>Binds "Backstage:Media" once, replacing configured arrays (the binder would append them to the defaults), and checks it at start.</summary>
public static class MediaOptionsSetup
{
    public static void AddMediaOptions(this IServiceCollection s)
    {
        s.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.SectionName)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                var section = config.GetSection(MediaOptions.SectionName);
                if (section.GetSection(nameof(o.Widths)).Exists()) o.Widths = section.GetSection(nameof(o.Widths)).Get<int[]>()!;
                if (section.GetSection(nameof(o.Formats)).Exists()) o.Formats = section.GetSection(nameof(o.Formats)).Get<string[]>()!;
                if (section.GetSection(nameof(o.AvifWidths)).Exists()) o.AvifWidths = section.GetSection(nameof(o.AvifWidths)).Get<int[]>();
            })
            .ValidateOnStart();
        s.AddSingleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>();
        s.AddSingleton<MediaOptionsAccessor>();
        s.AddSingleton<MediaUrls>();
    }
}

/// <summary>Says which "Backstage:Media" key is wrong, so the node refuses to start instead of failing on the first upload.</summary>
public sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    private const string S = MediaOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, MediaOptions o)
    {
        var errors = new List<string>();
        if (o.MaxFileBytes <= 0) errors.Add($"{S}:MaxFileBytes must be a positive number of bytes (it is {o.MaxFileBytes}).");
        if (o.MaxFilesPerUpload <= 0) errors.Add($"{S}:MaxFilesPerUpload must be at least 1 (it is {o.MaxFilesPerUpload}).");
        if (o.MaxPixels <= 0) errors.Add($"{S}:MaxPixels must be a positive number of pixels (it is {o.MaxPixels}).");
        if (o.Widths is not { Length: > 0 } || o.Widths.Any(w => w is < 16 or > 10_000))
            errors.Add($"{S}:Widths must list at least one width between 16 and 10000 pixels.");
        if (o.Formats is not { Length: > 0 } || o.Formats.Any(f => f?.ToLowerInvariant() is not ("avif" or "webp" or "jpg" or "jpeg")))
            errors.Add($"{S}:Formats must list some of \"avif\", \"webp\", \"jpg\".");
        foreach (var (key, q) in new[] { ("JpegQuality", o.JpegQuality), ("WebpQuality", o.WebpQuality), ("AvifQuality", o.AvifQuality) })
            if (q is < 1 or > 100) errors.Add($"{S}:{key} must be between 1 and 100 (it is {q}).");
        if (o.ReadyMaxWidth is < 16 or > 10_000) errors.Add($"{S}:ReadyMaxWidth must be between 16 and 10000 pixels (it is {o.ReadyMaxWidth}).");
        if (o.AvifEffort is < 0 or > 9) errors.Add($"{S}:AvifEffort must be between 0 and 9 (it is {o.AvifEffort}).");
        if (o.QuarantineDays < 0) errors.Add($"{S}:QuarantineDays must be 0 or more (it is {o.QuarantineDays}).");
        if (!string.IsNullOrWhiteSpace(o.PublicBaseUrl) && MediaUrls.CdnOrigin(o.PublicBaseUrl) is null)
            errors.Add($"{S}:PublicBaseUrl \"{o.PublicBaseUrl}\" is not an absolute http(s) URL like https://cdn.example (without query or fragment).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The bound, validated <see cref="MediaOptions"/> as one singleton (the image processor and the upload limits read it).</summary>
public sealed class MediaOptionsAccessor(IOptions<MediaOptions> options)
{
    public MediaOptions Options { get; } = options.Value;
}

/// <summary>
/// The one place that decides where a photo's renditions are fetched from. Reader pages, OpenGraph/JSON-LD, the feed
/// and the sitemap use <see cref="Public"/>: under Backstage:Media:PublicBaseUrl (a CDN that fronts /media) when set,
/// else this site's relative /media/… . Previews of unpublished photos use <see cref="Origin"/>: only the origin checks
/// who is asking, a CDN would cache a refusal.
/// </summary>
public sealed class MediaUrls(MediaOptionsAccessor media)
{
    private readonly string _base = media.Options.PublicBaseUrl?.Trim().TrimEnd('/') ?? "";

    /// <summary>The CDN's origin for the CSP's img-src ("https://cdn.example"), or null without one.</summary>
    public string? Cdn { get; } = CdnOrigin(media.Options.PublicBaseUrl);

    public PhotoRenditions Public(Photo photo) => PhotoRenditions.Of(photo, _base);

    public static PhotoRenditions Origin(Photo photo) => PhotoRenditions.Of(photo, "");

    /// <summary>"https://cdn.example/x/" → "https://cdn.example"; null when blank or not an absolute http(s) URL.</summary>
    public static string? CdnOrigin(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.Fragment) && string.IsNullOrEmpty(u.UserInfo)
            ? u.GetLeftPart(UriPartial.Authority) : null;
}
