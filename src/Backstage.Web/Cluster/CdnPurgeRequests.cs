using System.Globalization;
using Backstage.Web.Data;

namespace Backstage.Web.Cluster;

/// <summary>
/// Asks the CDN in front (if any) to forget photos and the pages that showed them. Call it inside the transaction of
/// the action that took them off the public surfaces (takedown, unpublish, a show back to Draft), before its
/// SaveChanges and before the renditions' rows are deleted: it reads the rendition URLs and the pages, and adds the
/// purge jobs to the context's change tracker, so the purge commits with the action or not at all and survives
/// any restart. Implemented by Cdn.CdnPurgeRequests (Backstage:Cdn:Kind); with no CDN it does nothing.
/// </summary>
public interface ICdnPurgeRequests
{
    Task AddAsync(BackstageDbContext db, IReadOnlyCollection<int> photoIds, IReadOnlyCollection<int> showIds, string reason, CancellationToken ct);
}

/// <summary>
/// Surrogate keys (Fastly, Varnish) and cache tags (Cloudflare) that responses carry so a purge by tag needs no URL
/// list: "photo-123" on the photo's renditions and photo page, "show-45" on the show's pages and media, "pages" on every
/// public page. Written as Surrogate-Key (space-separated) and Cache-Tag (comma-separated).
/// </summary>
public static class SurrogateKeys
{
    public const string Pages = "pages";
    public const string SurrogateKeyHeader = "Surrogate-Key", CacheTagHeader = "Cache-Tag";

    public static string Photo(int id) => "photo-" + id.ToString(CultureInfo.InvariantCulture);
    public static string Show(int id) => "show-" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds <paramref name="keys"/> to the response's Surrogate-Key and Cache-Tag headers (kept once each).</summary>
    public static void Add(HttpResponse response, params string[] keys)
    {
        if (response.HasStarted) return;
        var existing = response.Headers[SurrogateKeyHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var all = existing.Concat(keys).Distinct(StringComparer.Ordinal).ToArray();
        response.Headers[SurrogateKeyHeader] = string.Join(' ', all);
        response.Headers[CacheTagHeader] = string.Join(',', all);
    }
}
