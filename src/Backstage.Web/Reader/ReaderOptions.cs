namespace Backstage.Web.Reader;

/// <summary>Reader-site settings, bound from the "Backstage" configuration section.</summary>
public sealed class ReaderOptions
{
    /// <summary>
    /// Absolute base of public links (canonical, OpenGraph, feed, sitemap), e.g. "https://backstage.example".
    /// Required outside Development (see Hosting/PublicOrigin); its host is also the only one the site answers to.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a public page may stay in the output cache when nothing evicts it earlier.</summary>
    public int PublicCacheMinutes { get; set; } = 10;
}
