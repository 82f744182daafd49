using System.Globalization;
using Backstage.Media;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// Renders a photo in two jobs, each from one decode of the original (any node can render what another node received:
/// it comes from the media store, and the files go back to it before their rows).
/// <list type="bullet">
/// <item>"render-photo": what the photo needs to be Ready (JPEG/WebP widths up to <see cref="MediaOptions.ReadyMaxWidth"/>,
/// rendered once, and the crops for the current focal point); upserts one row per (photo, spec), drops crop rows of older
/// focal points, marks the photo Ready and, while the rest is missing, enqueues "render-photo-later".</item>
/// <item>"render-photo-later", at <see cref="JobQueue.Background"/> priority: the AVIF set and the wider widths
/// (<see cref="RenditionPlanner.IsLater"/>). During an ingest every photo becomes publishable before any gets its extras.</item>
/// </list>
/// Running either again changes nothing. Nothing is recorded for a photo taken down meanwhile (its files are orphans
/// the sweeper removes).
/// </summary>
internal sealed class RenderPhotoHandler(BackstageDbContext db, IImageProcessor images, MediaOptionsAccessor media, IMediaStore store,
    IOptions<MediaStorageOptions> storage, PublicCache cache, JobQueue queue, TimeProvider clock, RenderThreads threads) : IJobHandler
{
    public const string JobKind = "render-photo";
    public const string LaterKind = "render-photo-later";
    public string Kind => JobKind;

    public static string Payload(int photoId) => photoId.ToString(CultureInfo.InvariantCulture);

    public Task RunAsync(Job job, CancellationToken ct) => RenderAsync(job, later: false, ct);

    internal async Task RenderAsync(Job job, bool later, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var photoId)) throw new PermanentJobException("bad payload");
        var photo = await db.Set<Photo>().FirstOrDefaultAsync(p => p.Id == photoId, ct);
        if (photo is null || photo.IsTakenDown) return; // deleted or taken down meanwhile: nothing to do

        var plan = RenditionPlanner.Plan(photo.Width, media.Options);
        var existing = (await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id).Select(r => r.Spec).ToListAsync(ct)).ToHashSet();
        // Width renditions do not depend on the focal point: render only the missing ones. Crops: always, for the current one.
        var specs = new List<RenditionSpec>();
        foreach (var spec in plan.Where(s => !s.IsFill && RenditionPlanner.IsLater(s, media.Options) == later))
            if (!existing.Contains(spec.Name) || await store.StatAsync(MediaKeys.Rendition(photo.Id, spec.Name), ct) is null)
                specs.Add(spec);
        if (!later) specs.AddRange(plan.Where(s => s.IsFill));
        if (specs.Count == 0) return;
        bool laterMissing = !later && plan.Any(s => RenditionPlanner.IsLater(s, media.Options) && !existing.Contains(s.Name));

        var work = Path.Combine(storage.Value.SpoolDirectory!, $"render-{photo.Id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var (result, hash) = await RenderToStoreAsync(photo, specs, computeHash: !later, work, ct);
            await RecordAsync(photo, result, hash, later, laterMissing, ct);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        await cache.InvalidateAsync(ct);
    }

    /// <summary>The stored name of a rendered file: crops carry the focal point they were cut for.</summary>
    private static string StoredSpec(Photo photo, RenderedFile f) =>
        new RenditionKey(f.Spec.IsFill ? photo.FocalKey : null, f.Spec).Name;

    private async Task<(RenderResult Result, long? Hash)> RenderToStoreAsync(Photo photo, List<RenditionSpec> specs, bool computeHash, string work, CancellationToken ct)
    {
        var originalKey = MediaKeys.Original(photo.Sha256);
        var local = store.LocalPath(originalKey); // a file-system store is read in place
        var source = local ?? Path.Combine(work, "original");
        if (!(local is not null ? File.Exists(local) : await store.DownloadAsync(originalKey, source, ct)))
            throw new FileNotFoundException($"the original of {photo.OriginalFileName} is missing from storage");

        var focal = new FocalPoint(photo.FocalX, photo.FocalY).Clamp();
        RenderResult result;
        long? hash;
        try
        {
            // On a render thread, below requests' priority: readers first during an ingest (Jobs.RenderThreads).
            (result, hash) = await threads.RunAsync(() =>
            {
                var r = images.Render(source, specs, focal, Path.Combine(work, "out"));
                // The perceptual hash ("looks like #12") from the thumbnail: a few ms, any source format.
                var thumb = RenditionPlanner.Thumbnail(r.Files.Select(f => f.Spec));
                var smallest = r.Files.FirstOrDefault(f => f.Spec == thumb);
                return (r, computeHash && smallest is not null ? PerceptualHash.Compute(smallest.Path) : (long?)null);
            }, ct);
        }
        catch (ImageRejectedException e)
        {
            throw new PermanentJobException(e.Reason); // the image itself is bad: retrying cannot help
        }
        foreach (var f in result.Files)
            await store.PutFileAsync(MediaKeys.Rendition(photo.Id, StoredSpec(photo, f)), f.Path, f.ContentType, ct);
        return (result, hash);
    }

    private async Task RecordAsync(Photo photo, RenderResult result, long? hash, bool later, bool laterMissing, CancellationToken ct)
    {
        var focalKey = photo.FocalKey;
        var now = clock.GetUtcNow();
        var payload = Payload(photo.Id);
        await db.InTransactionAsync(async () =>
        {
            // The photo row is locked first: a takedown that committed meanwhile wins, and no row points at its files.
            var live = await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM photos WHERE id = {photo.Id} AND taken_down_at IS NULL FOR UPDATE").ToListAsync(ct);
            if (live.Count == 0) return;
            foreach (var f in result.Files)
            {
                var spec = StoredSpec(photo, f);
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO renditions (photo_id, spec, width, height, bytes, content_type, created_at)
                    VALUES ({photo.Id}, {spec}, {f.Width}, {f.Height}, {f.Bytes}, {f.ContentType}, {now})
                    ON CONFLICT (photo_id, spec) DO UPDATE SET width = excluded.width, height = excluded.height,
                        bytes = excluded.bytes, content_type = excluded.content_type
                    """, ct);
            }
            if (later) return;
            // Crops of an older focal point are no longer referenced; the sweeper removes their files later.
            var stale = (await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id).Select(r => r.Spec).ToListAsync(ct))
                .Where(s => RenditionKey.TryParse(s, out var key) && key.FocalKey is not null && key.FocalKey != focalKey).ToList();
            await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id && stale.Contains(r.Spec)).ExecuteDeleteAsync(ct);
            if (hash is { } h)
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO photo_file_facts (photo_id, from_file, perceptual_hash) VALUES ({photo.Id}, ARRAY[]::text[], {h})
                    ON CONFLICT (photo_id) DO UPDATE SET perceptual_hash = excluded.perceptual_hash
                    """, ct);
            await db.Set<Photo>().Where(p => p.Id == photo.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PhotoStatus.Ready)
                .SetProperty(p => p.LastError, (string?)null)
                .SetProperty(p => p.RenderedFocalKey, focalKey)
                .SetProperty(p => p.PlaceholderDataUri, result.PlaceholderDataUri)
                .SetProperty(p => p.DominantColor, result.DominantColor)
                .SetProperty(p => p.UpdatedAt, now), ct);
            if (laterMissing && !await db.Set<Job>().AnyAsync(j => j.Kind == LaterKind && j.Payload == payload
                    && (j.State == JobState.Pending || j.State == JobState.Running), ct))
            {
                queue.Enqueue(db, LaterKind, payload, JobQueue.Background);
                await db.SaveChangesAsync(ct);
            }
        }, ct);
    }

    public async Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var photoId)) return;
        var message = final ? error : $"{error} (attempt {job.Attempts} of {job.MaxAttempts}; retrying automatically)";
        if (message.Length > 2000) message = message[..2000];
        // Only a photo that is not Ready changes state: a failed re-render keeps the good renditions it has.
        await db.Set<Photo>().Where(p => p.Id == photoId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.LastError, message)
            .SetProperty(p => p.Status, p => final && p.Status != PhotoStatus.Ready ? PhotoStatus.Failed : p.Status), ct);
    }
}

/// <summary>"render-photo-later": the AVIF set and the wider widths of a Ready photo (see <see cref="RenderPhotoHandler"/>).</summary>
internal sealed class RenderPhotoLaterHandler(RenderPhotoHandler renderer, ILogger<RenderPhotoLaterHandler> log) : IJobHandler
{
    public string Kind => RenderPhotoHandler.LaterKind;

    public Task RunAsync(Job job, CancellationToken ct) => renderer.RenderAsync(job, later: true, ct);

    /// <summary>The photo stays Ready and its pages offer the renditions it has; the job keeps the error for operators.</summary>
    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (final) log.LogWarning("Photo {Payload}: AVIF and wide renditions failed for good: {Error}", job.Payload, error);
        return Task.CompletedTask;
    }
}
