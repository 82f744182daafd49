namespace Backstage.Web.Cdn;

public enum CdnKind { None, Http, Cloudflare, Fastly }

/// <summary>Bound from "Backstage:Cdn": which CDN fronts the site, and how hard its purges are retried.</summary>
public sealed class CdnOptions
{
    public const string Section = "Backstage:Cdn";
    /// <summary>None (default: no purges), Http (PURGE/BAN to a caching proxy), Cloudflare, Fastly.</summary>
    public CdnKind Kind { get; set; } = CdnKind.None;
    /// <summary>Attempts of one purge job before it stays Failed (retries back off as Backstage:Jobs says, up to MaxRetryDelay).</summary>
    public int MaxAttempts { get; set; } = 25;
    /// <summary>Longest wait for one purge request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Bound from "Backstage:Cdn:Http": a caching proxy (Varnish, nginx proxy_cache_purge) that honours PURGE and BAN.</summary>
public sealed class HttpCdnOptions
{
    public const string Section = "Backstage:Cdn:Http";
    /// <summary>Where PURGE/BAN requests go, e.g. http://varnish:6081 (the proxy itself, reached from the origin).</summary>
    public string? BaseUrl { get; set; }
    /// <summary>One BAN per surrogate key (X-Ban-Tag header) instead of one PURGE per URL.</summary>
    public bool UseTags { get; set; }
}

/// <summary>Bound from "Backstage:Cdn:Cloudflare".</summary>
public sealed class CloudflareCdnOptions
{
    public const string Section = "Backstage:Cdn:Cloudflare";
    public string ApiBaseUrl { get; set; } = "https://api.cloudflare.com/client/v4";
    public string? ZoneId { get; set; }
    /// <summary>An API token with the zone's "Cache Purge" permission only.</summary>
    public string? ApiToken { get; set; }
    /// <summary>Purge by Cache-Tag instead of by URL.</summary>
    public bool UseTags { get; set; }
}

/// <summary>Bound from "Backstage:Cdn:Fastly": purges by surrogate key.</summary>
public sealed class FastlyCdnOptions
{
    public const string Section = "Backstage:Cdn:Fastly";
    public string ApiBaseUrl { get; set; } = "https://api.fastly.com";
    public string? ServiceId { get; set; }
    /// <summary>A Fastly API token with the "purge_select" scope on the service.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Fastly-Soft-Purge: mark stale instead of removing (off: a takedown must not be served stale).</summary>
    public bool SoftPurge { get; set; }
}
