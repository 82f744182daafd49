using System.Text.Json;
using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Cdn;

/// <summary>
/// Turns "these photos / shows left the public surfaces" into purge jobs, inside the caller's transaction: every
/// rendition URL of the photos (for a show: of its published photos), the show page, their photo pages, the live
/// articles that embed the show, the home page, the shows index, the feed and the sitemap; and the surrogate keys
/// photo-N, show-N and "pages" that cover the same. The list is split so that each job's payload fits its column.
/// With Backstage:Cdn:Kind None nothing is queued.
/// </summary>
public sealed class CdnPurgeRequests(BackstageDbContext context, JobQueue queue, IOptions<CdnOptions> options, MediaOptionsAccessor media, IConfiguration config, TimeProvider clock)
    : ICdnPurgeRequests
{
    /// <summary>Payloads stay under the jobs.payload column's 4000 characters.</summary>
    internal const int MaxPayloadChars = 3600;
    private static readonly string[] ListPages = ["/", "/shows", "/feed.xml", "/sitemap.xml"];

    public async Task AddAsync(BackstageDbContext db, IReadOnlyCollection<int> photoIds, IReadOnlyCollection<int> showIds, string reason, CancellationToken ct)
    {
        if (options.Value.Kind == CdnKind.None || photoIds.Count + showIds.Count == 0) return;
        var batch = await CollectAsync(db, photoIds, showIds, reason, ct);
        foreach (var chunk in Split(batch))
        {
            var job = queue.Enqueue(db, CdnPurgeHandler.JobKind, JsonSerializer.Serialize(chunk, CdnPurgeHandler.Json));
            job.MaxAttempts = options.Value.MaxAttempts;
        }
    }

    /// <summary>
    /// For a change that already committed (a licence that expired, seen by the expiry job): queues the purge in a
    /// transaction of its own. Called again after a crash it queues it again, which purging tolerates.
    /// </summary>
    public async Task QueueAsync(IReadOnlyCollection<int> photoIds, string reason, CancellationToken ct)
    {
        if (options.Value.Kind == CdnKind.None || photoIds.Count == 0) return;
        await AddAsync(context, photoIds, [], reason, ct);
        await context.SaveChangesAsync(ct);
    }

    internal async Task<PurgeBatch> CollectAsync(BackstageDbContext db, IReadOnlyCollection<int> photoIds, IReadOnlyCollection<int> showIds, string reason, CancellationToken ct)
    {
        var site = (config["Backstage:PublicBaseUrl"] is { Length: > 0 } b ? b : "http://localhost").TrimEnd('/');
        var mediaBase = (string.IsNullOrWhiteSpace(media.Options.PublicBaseUrl) ? site : media.Options.PublicBaseUrl.Trim()).TrimEnd('/');
        var pIds = photoIds.Distinct().ToArray();
        var sIds = showIds.Distinct().ToArray();
        // The photos named, and for a show every photo a reader could have seen (published, not taken down).
        var photos = await db.Set<Photo>().AsNoTracking()
            .Where(p => pIds.Contains(p.Id) || (sIds.Contains(p.ShowId) && p.PublishedAt != null && p.TakenDownAt == null))
            .Select(p => new { p.Id, p.ShowId, p.Position, Specs = p.Renditions.Select(r => r.Spec).ToList() })
            .ToListAsync(ct);
        var allShows = photos.Select(p => p.ShowId).Concat(sIds).Distinct().ToArray();
        var shows = await db.Shows.AsNoTracking().Where(s => allShows.Contains(s.Id)).Select(s => new { s.Id, s.Slug }).ToListAsync(ct);
        var slugs = shows.Select(s => s.Slug).ToArray();
        var now = clock.GetUtcNow();
        var articles = await db.Articles.AsNoTracking().Live(now)
            .Where(a => db.Set<ArticleGallery>().Any(e => e.ArticleId == a.Id && slugs.Contains(e.ShowSlug)))
            .Select(a => a.Slug).ToListAsync(ct);

        var urls = new List<string>();
        foreach (var p in photos.OrderBy(p => p.Id))
            urls.AddRange(p.Specs.Order(StringComparer.Ordinal).Select(spec => mediaBase + MediaEndpoints.Url(p.Id, spec)));
        foreach (var s in shows.OrderBy(s => s.Id))
        {
            urls.Add($"{site}/shows/{Uri.EscapeDataString(s.Slug)}");
            urls.AddRange(photos.Where(p => p.ShowId == s.Id).OrderBy(p => p.Position).Select(p => site + Photo.PageUrl(s.Slug, p.Position)));
        }
        urls.AddRange(articles.Order(StringComparer.Ordinal).Select(a => $"{site}/articles/{Uri.EscapeDataString(a)}"));
        urls.AddRange(ListPages.Select(p => site + p));

        var tags = photos.Select(p => p.Id).Concat(pIds).Distinct().Order().Select(SurrogateKeys.Photo)
            .Concat(allShows.Order().Select(SurrogateKeys.Show)).Append(SurrogateKeys.Pages).ToArray();
        return new PurgeBatch(urls.Distinct().ToArray(), tags, reason);
    }

    /// <summary>Cuts a batch into jobs whose JSON stays under <see cref="MaxPayloadChars"/>; URLs first, then keys.</summary>
    internal static IEnumerable<PurgeBatch> Split(PurgeBatch batch)
    {
        var urls = new List<string>();
        var tags = new List<string>();
        int size = 64 + batch.Reason.Length;
        foreach (var (item, isUrl) in batch.Urls.Select(u => (u, true)).Concat(batch.Tags.Select(t => (t, false))))
        {
            if (size + item.Length + 3 > MaxPayloadChars && urls.Count + tags.Count > 0)
            {
                yield return new PurgeBatch([.. urls], [.. tags], batch.Reason);
                (urls, tags, size) = ([], [], 64 + batch.Reason.Length);
            }
            (isUrl ? urls : tags).Add(item);
            size += item.Length + 3;
        }
        if (urls.Count + tags.Count > 0) yield return new PurgeBatch([.. urls], [.. tags], batch.Reason);
    }
}

/// <summary>
/// Runs one purge job: evicts the origin's public pages first (so the CDN refetches nothing stale from this node), then
/// sends the batch to the configured CDN. A failure throws: the queue retries with backoff (Backstage:Jobs), up to
/// Backstage:Cdn:MaxAttempts, across restarts.
/// </summary>
public sealed class CdnPurgeHandler(IServiceProvider services, IOptions<CdnOptions> options, PublicCache cache, ILogger<CdnPurgeHandler> log) : IJobHandler
{
    public const string JobKind = "cdn-purge";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public string Kind => JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        var batch = JsonSerializer.Deserialize<PurgeBatch>(job.Payload, Json) ?? throw new PermanentJobException("empty purge payload");
        if (options.Value.Kind == CdnKind.None) return; // the CDN was switched off since the job was queued
        await cache.InvalidateAsync(ct);
        var purger = services.GetRequiredKeyedService<ICdnPurger>(options.Value.Kind);
        await purger.PurgeAsync(batch, ct);
        log.LogInformation("CDN {Kind} purged {Urls} URL(s), {Tags} key(s) ({Reason})", options.Value.Kind, batch.Urls.Length, batch.Tags.Length, batch.Reason);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (final) log.LogError("CDN purge job {Id} gave up after {Attempts} attempts: {Error}. The CDN may still serve: purge by hand.", job.Id, job.Attempts, error);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The rights expiry's hook (Galleries.IPublicPhotoRemoval, called after the expiry committed, on every run of its job):
/// queues the purge in a transaction of its own. If that fails, the expiry job fails and runs again, so it is not lost.
/// </summary>
internal sealed class CdnPublicPhotoRemoval(CdnPurgeRequests purges) : IPublicPhotoRemoval
{
    public Task PhotoLeftPublicAsync(IReadOnlyCollection<int> photoIds, CancellationToken ct) => purges.QueueAsync(photoIds, "licence expired", ct);
}
