using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

/// <summary>
/// Hands finished files to the one upload pipeline (<see cref="PhotoUploads"/>: validate, store, prefill from IPTC/XMP,
/// queue the render) with the per-show limit, unpacks ZIPs through <see cref="ArchiveIngest"/>, and places a batch in
/// the gallery in the order the editor chose.
/// </summary>
public sealed class IngestService(BackstageDbContext db, PhotoUploads uploads, ArchiveIngest archives, IOptions<IngestOptions> options,
    PublicCache cache)
{
    public static bool IsArchiveName(string name) => name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>One file (a photo, or a ZIP when its name says so; a ZIP needs a seekable stream) into the show.</summary>
    public async Task<List<IngestLine>> AddFileAsync(int showId, string name, Stream content, UploadExtras extras, CancellationToken ct) =>
        IsArchiveName(name)
            ? await archives.UnpackAsync(content, PhotoUploads.DisplayName(name), (entry, stream, sidecar) =>
                AddPhotoAsync(showId, entry, stream, extras with { SidecarXmp = sidecar }, ct), ct)
            : [await AddPhotoAsync(showId, name, content, extras, ct)];

    public async Task<IngestLine> AddPhotoAsync(int showId, string name, Stream content, UploadExtras extras, CancellationToken ct)
    {
        if (await IsFullAsync(showId, ct))
            return new(PhotoUploads.DisplayName(name), LineKind.Refused, FullMessage(name));
        return IngestLine.From(await uploads.AddAsync(showId, name, content, ct, extras));
    }

    public async Task FinishBatchAsync(int showId, Guid batch, IngestOrder order, IEnumerable<IngestLine> lines, CancellationToken ct)
    {
        if (!lines.Any(l => l.Kind == LineKind.Added)) return;
        await ArrangeAsync(showId, batch, order, ct);
        await cache.InvalidateAsync(ct);
    }

    /// <summary>The refusal when <see cref="IsFullAsync"/>: names the file and the limit.</summary>
    public string FullMessage(string? name) =>
        $"{PhotoUploads.DisplayName(name)}: this gallery already holds {options.Value.MaxPhotosPerShow} photos, its limit; it was not added";

    /// <summary>Whether the show holds <see cref="IngestOptions.MaxPhotosPerShow"/> photos: every upload path (chunked, ZIP, the forms) checks it.</summary>
    public async Task<bool> IsFullAsync(int showId, CancellationToken ct) =>
        await db.Set<Photo>().CountAsync(p => p.ShowId == showId, ct) >= options.Value.MaxPhotosPerShow;

    /// <summary>
    /// Puts the batch's photos, in the places they occupy, in capture-time order (missing times last, then by file
    /// name) or file-name order, and renumbers the gallery 1…n. Under the gallery's lock (<see cref="PhotoUploads.LockGalleryAsync"/>), so the uploads of one
    /// batch finishing together on two nodes do not interleave; photos outside the batch keep their places.
    /// </summary>
    public async Task ArrangeAsync(int showId, Guid batch, IngestOrder order, CancellationToken ct)
    {
        if (order == IngestOrder.Manual) return;
        await db.InTransactionAsync(async () =>
        {
            await PhotoUploads.LockGalleryAsync(db, showId, ct);
            var photos = await (from p in db.Set<Photo>()
                                where p.ShowId == showId
                                join f in db.Set<PhotoFileFacts>() on p.Id equals f.PhotoId into fs
                                from f in fs.DefaultIfEmpty()
                                orderby p.Position, p.Id
                                select new { p.Id, p.Position, p.CapturedAt, p.OriginalFileName, InBatch = f != null && f.BatchId == batch })
                .AsNoTracking().ToListAsync(ct);
            var inBatch = photos.Where(p => p.InBatch);
            var sorted = (order == IngestOrder.AsShot
                    ? inBatch.OrderBy(p => p.CapturedAt is null).ThenBy(p => p.CapturedAt).ThenBy(p => p.OriginalFileName, StringComparer.OrdinalIgnoreCase)
                    : inBatch.OrderBy(p => p.OriginalFileName, StringComparer.OrdinalIgnoreCase))
                .ThenBy(p => p.Id).GetEnumerator();
            var ids = new List<int>();
            var positions = new List<int>();
            for (int i = 0; i < photos.Count; i++)
            {
                var p = photos[i];
                if (p.InBatch) { sorted.MoveNext(); p = sorted.Current; }
                if (p.Position != i + 1) { ids.Add(p.Id); positions.Add(i + 1); }
            }
            if (ids.Count > 0)
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    UPDATE photos SET position = v.position
                    FROM unnest({ids.ToArray()}, {positions.ToArray()}) AS v(id, position) WHERE photos.id = v.id
                    """, ct);
        }, ct);
    }
}
