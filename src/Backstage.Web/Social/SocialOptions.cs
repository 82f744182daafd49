namespace Backstage.Web.Social;

/// <summary>
/// Backstage:Social — the site's own profiles, linked from the footer ("Backstage on Instagram"). Each is optional; a
/// set one must be an absolute https URL (checked at start: a wrong value stops the node naming the key).
/// </summary>
public sealed class SocialOptions
{
    public const string Section = "Backstage:Social";

    public string? Instagram { get; set; }
    public string? TikTok { get; set; }
    public string? YouTube { get; set; }
    public string? Pinterest { get; set; }
    public string? X { get; set; }
    public string? Bluesky { get; set; }
    public string? Threads { get; set; }

    /// <summary>(key, the name readers see, url) in footer order, set ones only.</summary>
    public IEnumerable<SocialProfile> Profiles() =>
        All().Where(p => !string.IsNullOrWhiteSpace(p.Url)).Select(p => p with { Url = p.Url!.Trim() }).Select(p => new SocialProfile(p.Key, p.Name, p.Url!));

    internal IEnumerable<(string Key, string Name, string? Url)> All() =>
    [
        (nameof(Instagram), "Instagram", Instagram), (nameof(TikTok), "TikTok", TikTok), (nameof(YouTube), "YouTube", YouTube),
        (nameof(Pinterest), "Pinterest", Pinterest), (nameof(X), "X", X), (nameof(Bluesky), "Bluesky", Bluesky), (nameof(Threads), "Threads", Threads),
    ];

    /// <summary>The first key whose value is not an absolute https URL, for the start-up message; null when all are fine.</summary>
    public string? Problem() =>
        All().Where(p => !string.IsNullOrWhiteSpace(p.Url) && !(Uri.TryCreate(p.Url.Trim(), UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && u.Host.Length > 0))
            .Select(p => $"{Section}:{p.Key} must be an absolute https URL such as \"https://www.instagram.com/backstage\"; it is \"{p.Url}\".")
            .FirstOrDefault();
}

/// <summary>One profile the footer links to; <see cref="Key"/> names its icon file (wwwroot/icons/social-{key}.svg).</summary>
public sealed record SocialProfile(string Key, string Name, string Url);
