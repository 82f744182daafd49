using System.Globalization;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Hosting;
using Backstage.Web.Jobs;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// Renders a photo's width renditions (once) and its crops for the current focal point, upserts one row per (photo, spec),
/// drops crop rows of older focal points, and marks the photo Ready. Running it again changes nothing.
/// </summary>
internal sealed class RenderPhotoHandler(BackstageDbContext db, IImageProcessor images, MediaOptionsAccessor media, MediaStorage storage,
    IOutputCacheStore cache, TimeProvider clock) : IJobHandler
{
    public const string JobKind = "render-photo";
    public string Kind => JobKind;

    public static string Payload(int photoId) => photoId.ToString(CultureInfo.InvariantCulture);

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var photoId)) throw new PermanentJobException("bad payload");
        var photo = await db.Set<Photo>().FirstOrDefaultAsync(p => p.Id == photoId, ct);
        if (photo is null) return; // deleted meanwhile: nothing to do
        var source = storage.Originals.PathFor(photo.Sha256);
        if (!File.Exists(source)) throw new FileNotFoundException($"the original of {photo.OriginalFileName} is missing from storage");

        var focal = new FocalPoint(photo.FocalX, photo.FocalY).Clamp();
        var focalKey = photo.FocalKey;
        var dir = storage.RenditionDirectory(photo.Id);
        var plan = RenditionPlanner.Plan(photo.Width, media.Options);
        var existing = await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id).Select(r => r.Spec).ToListAsync(ct);
        var widths = plan.Where(s => !s.IsFill && !(existing.Contains(s.Name) && File.Exists(Path.Combine(dir, s.Name)))).ToList();
        var crops = plan.Where(s => s.IsFill).ToList();

        // Width renditions do not depend on the focal point: render only the missing ones (plus one for the placeholder).
        var (results, hash) = await Task.Run(() =>
        {
            var list = new List<(string Prefix, RenderResult Result)>();
            list.Add((focalKey + "/", images.Render(source, crops, focal, Path.Combine(dir, focalKey))));
            if (widths.Count > 0) list.Add(("", images.Render(source, widths, focal, dir)));
            // The perceptual hash ("looks like #12") from the smallest new width rendition: a few ms, any source format.
            var smallest = list.SelectMany(r => r.Result.Files).Where(f => f.Spec.StartsWith('w')).OrderBy(f => f.Width).FirstOrDefault();
            return (list, Hash: smallest is null ? (long?)null : PerceptualHash.Compute(smallest.Path));
        }, ct);

        var now = clock.GetUtcNow();
        var placeholder = results[^1].Result;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var (prefix, result) in results)
            foreach (var f in result.Files)
            {
                var spec = prefix + f.Spec;
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO renditions (photo_id, spec, width, height, bytes, content_type, created_at)
                    VALUES ({photo.Id}, {spec}, {f.Width}, {f.Height}, {f.Bytes}, {f.ContentType}, {now})
                    ON CONFLICT (photo_id, spec) DO UPDATE SET width = excluded.width, height = excluded.height,
                        bytes = excluded.bytes, content_type = excluded.content_type
                    """, ct);
            }
            // Crops of an older focal point are no longer referenced; the sweeper removes their files later.
            var cropPrefix = focalKey + "/";
            await db.Set<Rendition>().Where(r => r.PhotoId == photo.Id && r.Spec.StartsWith("f") && !r.Spec.StartsWith("fill") && !r.Spec.StartsWith(cropPrefix))
                .ExecuteDeleteAsync(ct);
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
            await tx.CommitAsync(ct);
        });
        await cache.EvictByTagAsync(CacheTags.Public, ct);
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

/// <summary>The bound <see cref="MediaOptions"/> (a singleton: the processor and limits read it).</summary>
public sealed class MediaOptionsAccessor(MediaOptions options)
{
    public MediaOptions Options { get; } = options;
}
