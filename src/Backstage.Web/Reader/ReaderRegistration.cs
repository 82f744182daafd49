using System.IO.Compression;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.ResponseCompression;

namespace Backstage.Web.Reader;

/// <summary>The reader's site: output cache policy and publish schedule, compression, search, feed, sitemap, meta tags.</summary>
public static class ReaderRegistration
{
    public static void AddBackstageReader(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddScoped<SiteUrls>();
        services.AddScoped<SearchService>();
        services.AddScoped<PhotoCatalog>();
        services.AddScoped<IReaderImages>(sp => sp.GetRequiredService<PhotoCatalog>());
        services.AddSingleton<PublishSchedule>();
        services.AddHostedService(sp => sp.GetRequiredService<PublishSchedule>());
        services.AddSingleton<PublicCache>();
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section)
            .Validate(o => o.MaxConnections >= 0, $"{LiveOptions.Section}:MaxConnections must be 0 (no live streams on this node) or more.")
            .Validate(o => o.Refresh > TimeSpan.Zero, $"{LiveOptions.Section}:Refresh must be positive.")
            .ValidateOnStart();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());
        services.AddSingleton<PublicPageCachePolicy>();
        services.AddOutputCache(o => o.AddPolicy(PublicPageCachePolicy.Name, new LazyPolicy()));

        // HTTPS responses are compressed only where the cache policy or the static-file marker says they carry no
        // secret (see PublicPageCachePolicy): BREACH. Plain-HTTP responses (e.g. behind a TLS-terminating proxy) are
        // compressed by the framework's default rules.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = false;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/atom+xml", "image/svg+xml"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
    }

    /// <summary>Compression for everything after it; static CSS/JS (no secrets) is compressed over HTTPS too.</summary>
    public static void UseReaderCompression(this WebApplication app)
    {
        app.UseResponseCompression();
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if ((path.StartsWithSegments("/css") || path.StartsWithSegments("/js")) && context.Features.Get<IHttpsCompressionFeature>() is { } f)
                f.Mode = HttpsCompressionMode.Compress;
            return next(context);
        });
    }

    /// <summary>Route names of the non-page endpoints that pages link to (Url.RouteUrl), so no link is a hand-written path.</summary>
    public const string FeedRoute = "feed", PhotoLinkRoute = "photo-link";

    public static void MapReader(this WebApplication app)
    {
        app.MapGet("/feed.xml", Feeds.AtomAsync).AllowAnonymous().CacheOutput(PublicPageCachePolicy.Name).WithName(FeedRoute);
        app.MapGet("/sitemap.xml", Feeds.SitemapAsync).AllowAnonymous().CacheOutput(PublicPageCachePolicy.Name);
        app.MapGet("/robots.txt", Feeds.Robots).AllowAnonymous().CacheOutput(PublicPageCachePolicy.Name);
        // A photo's stable link (comments use it): its page moves when the gallery is reordered, its id does not.
        app.MapGet("/photos/{id:int}", async (int id, PhotoCatalog photos, CancellationToken ct) =>
            await photos.LocateAsync(id, publicOnly: false, ct) is { } place ? Results.Redirect(place.Url) : Results.NotFound()).AllowAnonymous().WithName(PhotoLinkRoute);
        // Live coverage's stream: anonymous and public-only, never cached, and short-circuited (no session, no
        // security-stamp check, no compression buffering) so an open stream costs a node one small state machine.
        app.MapGet("/shows/{slug}/live", LiveStreamAsync).AllowAnonymous().ShortCircuit().WithName(LiveRoute);
    }

    public const string LiveRoute = "show-live";

    private static async Task<IResult> LiveStreamAsync(string slug, HttpContext http, BackstageDbContext db, LiveFeed feed, TimeProvider clock, CancellationToken ct)
    {
        var showId = await db.Shows.Where(s => s.Slug == slug).Where(GalleryVisibility.ShowLive(clock.GetUtcNow()))
            .Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (showId is null) return Results.NotFound();
        if (feed.TryEnter() is not { } place)
        {
            // Over this node's limit: the page's script polls the cached page instead.
            http.Response.Headers.RetryAfter = "30";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        http.Response.RegisterForDispose(place);
        // Written here rather than by TypedResults.ServerSentEvents, which sends the headers with the first event: a
        // reader resuming with the state it has (Last-Event-ID) gets no event until the gallery changes, and must still
        // see the stream open at once (a client waiting for headers would time out and reconnect in a loop).
        http.Response.ContentType = "text/event-stream";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await http.Response.StartAsync(ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            await SseFormatter.WriteAsync(feed.StreamAsync(showId.Value, http.Request.Headers["Last-Event-ID"].FirstOrDefault(), ct), http.Response.Body,
                (item, buffer) => { using var json = new Utf8JsonWriter(buffer); JsonSerializer.Serialize(json, item.Data, LiveJson); }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { } // the reader left
        return Results.Empty;
    }

    private static readonly JsonSerializerOptions LiveJson = new(JsonSerializerDefaults.Web);

    /// <summary>Resolves the singleton policy from the request's services (it depends on the schedule and options).</summary>
    private sealed class LazyPolicy : IOutputCachePolicy
    {
        private static IOutputCachePolicy Inner(OutputCacheContext c) => c.HttpContext.RequestServices.GetRequiredService<PublicPageCachePolicy>();
        public ValueTask CacheRequestAsync(OutputCacheContext c, CancellationToken ct) => Inner(c).CacheRequestAsync(c, ct);
        public ValueTask ServeFromCacheAsync(OutputCacheContext c, CancellationToken ct) => Inner(c).ServeFromCacheAsync(c, ct);
        public ValueTask ServeResponseAsync(OutputCacheContext c, CancellationToken ct) => Inner(c).ServeResponseAsync(c, ct);
    }
}
