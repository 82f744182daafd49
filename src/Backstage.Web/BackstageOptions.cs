using Microsoft.Extensions.Options;

namespace Backstage.Web;

/// <summary>
/// Site-wide settings, bound from the "Backstage" configuration section. This is the only class bound to that section
/// (each sub-section, such as Backstage:Email or Backstage:Media, has its own class): every reader of the public
/// address, the cache lifetime or the proxy switch goes through it.
/// </summary>
public sealed class BackstageOptions
{
    public const string Section = "Backstage";

    /// <summary>Where Backstage keeps its files (embedded database, media). Relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Time zone editors type schedule times in (IANA id).</summary>
    public string SiteTimeZone { get; set; } = "Europe/Paris";

    /// <summary>Seed demo accounts and content on first start. Honoured only in Development.</summary>
    public bool SeedDemoContent { get; set; }

    /// <summary>Apply EF Core migrations when the app starts (turn off when a deploy step runs "migrate").</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// Absolute base of public links (canonical, OpenGraph, feed, sitemap, mail), e.g. "https://backstage.example".
    /// Required outside Development (see Hosting/PublicOrigin); its host is also the only one the site answers to.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a public page may stay in the output cache when nothing evicts it earlier.</summary>
    public int PublicCacheMinutes { get; set; } = 10;

    /// <summary>Believe X-Forwarded-For/-Proto, from the proxies of Backstage:ForwardedHeaders only.</summary>
    public bool BehindProxy { get; set; }

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(SiteTimeZone);

    /// <summary>The public address without a trailing slash, or null where none is set (Development and tests).</summary>
    public string? PublicBase => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : PublicBaseUrl.Trim().TrimEnd('/');

    /// <summary>
    /// The base of links built without a request (mail, newsletters): the public address, or http://localhost:5000 in
    /// Development and tests, which may run without one. Never a request's Host header: a forged Host would put an
    /// attacker's domain into a password-reset link.
    /// </summary>
    public string LinkBase => PublicBase ?? "http://localhost:5000";

    /// <summary>A link built without a request (mail, newsletters): "/shows/x" → "{LinkBase}/shows/x".</summary>
    public string Link(string pathOrUrl) => Join(LinkBase, pathOrUrl);

    /// <summary>The one way absolute links are made: <paramref name="baseUrl"/> + the path; an absolute http(s) URL (a CDN's media URL) passes unchanged.</summary>
    public static string Join(string baseUrl, string pathOrUrl) =>
        Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? pathOrUrl
            : baseUrl + (pathOrUrl.StartsWith('/') ? pathOrUrl : "/" + pathOrUrl);

    /// <summary>The section as bound at start-up, for the few registrations that need a value before the container exists.</summary>
    public static BackstageOptions Read(IConfiguration configuration) => configuration.GetSection(Section).Get<BackstageOptions>() ?? new();

    /// <summary>What is wrong with these settings (ValidateOnStart); the public address only when it is set.</summary>
    public IEnumerable<string> Problems()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(SiteTimeZone, out _))
            yield return $"{Section}:SiteTimeZone must be a time zone id such as Europe/Paris.";
        if (PublicCacheMinutes is < 0 or > 24 * 60)
            yield return $"{Section}:PublicCacheMinutes must be between 0 (no caching) and 1440.";
        if (PublicBaseUrlProblem(required: false) is { } problem) yield return problem;
    }

    /// <summary>Why the public address is unusable, or null; <paramref name="required"/> outside Development (Hosting/PublicOrigin).</summary>
    public string? PublicBaseUrlProblem(bool required) =>
        PublicBase is null
            ? required ? "No public address configured. Set Backstage__PublicBaseUrl to the address readers use (for example " +
                         "\"https://backstage.example\"): links, feeds, mail and the sitemap are built from it, and requests for other hosts are refused." : null
            : PublicUri is null ? $"Backstage__PublicBaseUrl must be an http(s) address without a path, such as \"https://backstage.example\"; it is \"{PublicBaseUrl}\"." : null;

    /// <summary>The public address as a URI when it is an http(s) origin without path or query; otherwise null.</summary>
    public Uri? PublicUri =>
        Uri.TryCreate(PublicBase, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query == ""
            ? uri : null;
}

/// <summary>
/// Checks the section at start-up (ValidateOnStart) with the rules Hosting/PublicOrigin applies before the container
/// exists; whether the public address is required at all is PublicOrigin's decision (not for operator commands).
/// </summary>
internal sealed class BackstageOptionsValidator : IValidateOptions<BackstageOptions>
{
    public ValidateOptionsResult Validate(string? name, BackstageOptions o)
    {
        var problems = o.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
