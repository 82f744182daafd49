using System.Globalization;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Hosting;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// Renders a photo's width renditions (once) and its crops for the current focal point, upserts one row per (photo, spec),
/// drops crop rows of older focal points, and marks the photo Ready. Running it again changes nothing. The original comes
/// from the media store (any node can render what another node received) and the files go back to it before their rows.
/// </summary>
internal sealed class RenderPhotoHandler(BackstageDbContext db, IImageProcessor images, MediaOptionsAccessor media, IMediaStore store,
    IOptions<MediaStorageOptions> storage, PublicCache cache, TimeProvider clock) : IJobHandler
{
    public const string JobKind = "render-photo";
    public string Kind => JobKind;

    public static string Payload(int photoId) => photoId.ToString(CultureInfo.InvariantCulture);

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var photoId)) throw new PermanentJobException("bad payload");
        var photo = await db.Set<Photo>().FirstOrDefaultAsync(p => p.Id == photoId, ct);
        if (photo is null || photo.IsTakenDown) return; // deleted or taken down meanwhile: nothing to do
        var work = Path.Combine(storage.Value.SpoolDirectory!, $"render-{photo.Id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var (results, hash) = await RenderToStoreAsync(photo, work, ct);
            await RecordAsync(photo, results, hash, ct);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        await cache.InvalidateAsync(ct);
    }

    private async Task<(List<(string? FocalKey, RenderResult Result)> Results, long? Hash)> RenderToStoreAsync(Photo photo, string work, CancellationToken ct)
    {
        var originalKey = MediaKeys.Original(photo.Sha256);
        var local = store.LocalPath(originalKey); // a file-system store is read in place
        var source = local ?? Path.Combine(work, "original");
        if (!(local is not null ? File.Exists(local) : await store.DownloadAsync(originalKey, source, ct)))
            throw new FileNotFoundException($"the original of {photo.OriginalFileName} is missing from storage");

        var focal = new FocalPoint(photo.FocalX, photo.FocalY).Clamp();
        var focalKey = photo.FocalKey;
        var plan = RenditionPlanner.Plan(photo.Width, media.Options);
        var existing = await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id).Select(r => r.Spec).ToListAsync(ct);
        var widths = new List<RenditionSpec>();
        foreach (var spec in plan.Where(s => !s.IsFill))
            if (!existing.Contains(spec.Name) || await store.StatAsync(MediaKeys.Rendition(photo.Id, spec.Name), ct) is null)
                widths.Add(spec);
        var crops = plan.Where(s => s.IsFill).ToList();
        var output = Path.Combine(work, "out");

        // Width renditions do not depend on the focal point: render only the missing ones (plus one for the placeholder).
        List<(string? FocalKey, RenderResult Result)> results;
        long? hash;
        try
        {
            (results, hash) = await Task.Run(() =>
            {
                var list = new List<(string? FocalKey, RenderResult Result)>();
                list.Add((focalKey, images.Render(source, crops, focal, Path.Combine(output, focalKey))));
                if (widths.Count > 0) list.Add((null, images.Render(source, widths, focal, output)));
                // The perceptual hash ("looks like #12") from the smallest new width rendition: a few ms, any source format.
                var smallest = list.SelectMany(r => r.Result.Files).Where(f => f.Spec.StartsWith('w')).OrderBy(f => f.Width).FirstOrDefault();
                return (list, smallest is null ? (long?)null : PerceptualHash.Compute(smallest.Path));
            }, ct);
        }
        catch (ImageRejectedException e)
        {
            throw new PermanentJobException(e.Reason); // the image itself is bad: retrying cannot help
        }
        foreach (var (cropFocalKey, result) in results)
            foreach (var f in result.Files)
                await store.PutFileAsync(MediaKeys.Rendition(photo.Id, new RenditionKey(cropFocalKey, RenditionSpec.Parse(f.Spec)).Name), f.Path, f.ContentType, ct);
        return (results, hash);
    }

    private async Task RecordAsync(Photo photo, List<(string? FocalKey, RenderResult Result)> results, long? hash, CancellationToken ct)
    {
        var focalKey = photo.FocalKey;
        var now = clock.GetUtcNow();
        var placeholder = results[^1].Result;
        await db.InTransactionAsync(async () =>
        {
            foreach (var (focal, result) in results)
            foreach (var f in result.Files)
            {
                var spec = new RenditionKey(focal, RenditionSpec.Parse(f.Spec)).Name;
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO renditions (photo_id, spec, width, height, bytes, content_type, created_at)
                    VALUES ({photo.Id}, {spec}, {f.Width}, {f.Height}, {f.Bytes}, {f.ContentType}, {now})
                    ON CONFLICT (photo_id, spec) DO UPDATE SET width = excluded.width, height = excluded.height,
                        bytes = excluded.bytes, content_type = excluded.content_type
                    """, ct);
            }
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
                .SetProperty(p => p.PlaceholderDataUri, placeholder.PlaceholderDataUri)
                .SetProperty(p => p.DominantColor, placeholder.DominantColor)
                .SetProperty(p => p.UpdatedAt, now), ct);
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
