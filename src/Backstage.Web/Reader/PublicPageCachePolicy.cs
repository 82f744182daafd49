using Backstage.Web.Cluster;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Reader;

/// <summary>
/// Output-cache policy of the reader's pages. Only anonymous GET/HEAD requests are looked up or stored: signed-in
/// readers see their own name (and soon their own pending comments), so they always get a fresh render. Responses that
/// set a cookie or say no-store (an antiforgery token in a form, TempData) are never stored, nor are requests carrying a pending
/// TempData message. Entries are tagged <see cref="CacheTags.Public"/> and never outlive the next scheduled publish
/// time, so a scheduled article appears on time even if nothing evicts the cache.
/// </summary>
public sealed class PublicPageCachePolicy(PublishSchedule schedule, IOptions<BackstageOptions> options, TimeProvider clock) : IOutputCachePolicy
{
    public const string Name = "public-page";
    private const string TempDataCookie = ".AspNetCore.Mvc.CookieTempDataProvider";

    public static bool IsAnonymous(HttpContext http) =>
        http.User.Identity?.IsAuthenticated != true && string.IsNullOrEmpty(http.Request.Headers.Authorization);

    private static readonly Microsoft.Extensions.Primitives.StringValues VaryByQueryKeys = new(["p", "photo"]);

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var cacheable = IsAnonymous(http)
            && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            && !http.Request.Cookies.ContainsKey(TempDataCookie);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.Tags.Add(CacheTags.Public);
        SurrogateKeys.Add(http.Response, SurrogateKeys.Pages); // every public page: a CDN purge by the "pages" key covers them all
        // Only the query keys a cached page reads: the home page's page number and the article's comment-on-photo.
        // Everything else (utm_*, fbclid, igshid… on every link from social apps) shares one entry instead of
        // making each visit a miss. A new query parameter on a cached page must be added here.
        context.CacheVaryByRules.QueryKeys = VaryByQueryKeys;
        context.ResponseExpirationTimeSpan = Lifetime();
        // Reader pages carry no secrets (no forms with tokens, nothing personal) when anonymous: safe to compress
        // over HTTPS too (BREACH needs a secret and reflected input in the same response).
        if (cacheable && http.Features.Get<IHttpsCompressionFeature>() is { } compression)
            compression.Mode = HttpsCompressionMode.Compress;
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken ct) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken ct)
    {
        var response = context.HttpContext.Response;
        // Set-Cookie: an antiforgery or TempData cookie. "no-store": antiforgery marks every response that rendered a
        // token that way even when the cookie already existed — a form token must never be served to someone else.
        if (response.StatusCode != StatusCodes.Status200OK || !string.IsNullOrEmpty(response.Headers.SetCookie)
            || response.Headers.CacheControl.Any(v => v?.Contains("no-store", StringComparison.OrdinalIgnoreCase) == true))
        {
            context.AllowCacheStorage = false;
            return ValueTask.CompletedTask;
        }
        var lifetime = Lifetime();
        if (lifetime <= TimeSpan.Zero) context.AllowCacheStorage = false; // a scheduled article went live while rendering
        else context.ResponseExpirationTimeSpan = lifetime;
        return ValueTask.CompletedTask;
    }

    /// <summary>The configured lifetime, cut short by the next scheduled publish time.</summary>
    private TimeSpan Lifetime()
    {
        var lifetime = TimeSpan.FromMinutes(Math.Max(1, options.Value.PublicCacheMinutes));
        return schedule.NextPublishAt is { } next ? TimeSpan.FromTicks(Math.Min(lifetime.Ticks, (next - clock.GetUtcNow()).Ticks)) : lifetime;
    }
}
