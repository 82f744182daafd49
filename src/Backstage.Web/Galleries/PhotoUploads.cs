using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

public sealed record UploadOutcome(string FileName, bool Ok, string Message, int? PhotoId = null);

/// <summary>
/// Takes uploaded files one by one: spool to this node's disk (hashing as it goes), probe, refuse with the file's name
/// and the reason, or put the original into the media store under its content address and then add a Photo row and its
/// render job in one transaction (a crash in between leaves an orphan object that the sweeper removes). A bad file never
/// stops the others.
/// </summary>
public sealed class PhotoUploads(BackstageDbContext db, IMediaStore store, IOptions<MediaStorageOptions> storage, IImageProcessor images,
    MediaOptionsAccessor media, JobQueue queue, TimeProvider clock, ILogger<PhotoUploads> log, IOptions<RightsOptions> rights,
    IOptions<BackstageOptions> site)
{
    private const int GalleryLockClass = 1801;

    /// <summary>
    /// Serialises, across nodes, the writes that number one show's gallery (a new photo's place after the last one, a
    /// batch put in order); call inside the transaction that writes positions, the lock ends with it.
    /// </summary>
    public static async Task LockGalleryAsync(BackstageDbContext db, int showId, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({GalleryLockClass}, {showId})", ct);

    private const int OriginalLockClass = 1802;

    /// <summary>
    /// Serialises, across nodes, an upload's reuse of a stored original (same bytes) with the sweeper's check-and-delete
    /// of it (<see cref="MediaSweeper"/>); call inside the transaction that inserts the row, the lock ends with it.
    /// </summary>
    public static async Task LockOriginalAsync(BackstageDbContext db, string sha256, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({OriginalLockClass}, hashtext({sha256}))", ct);

    public static string DisplayName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0) name = "(unnamed file)";
        return name.Length > 200 ? name[..200] : name;
    }

    /// <summary><paramref name="extras"/>: an XMP sidecar and the ingest batch (see <see cref="PhotoFileFacts"/>).</summary>
    public async Task<UploadOutcome> AddAsync(int showId, string? fileName, Stream content, CancellationToken ct, UploadExtras? extras = null)
    {
        var name = DisplayName(fileName);
        SpooledFile spooled;
        try
        {
            spooled = await UploadSpool.SpoolAsync(content, media.Options.MaxFileBytes, storage.Value.SpoolDirectory!, ct);
        }
        catch (ImageRejectedException e)
        {
            return new(name, false, $"{name}: {e.Reason}");
        }
        using var _ = spooled;
        if (spooled.Bytes == 0) return new(name, false, $"{name}: the file is empty");

        ImageFacts facts;
        FileMetadata meta;
        try
        {
            (facts, meta) = await Task.Run(() => (images.Probe(spooled.Path), FileMetadata.Read(spooled.Path, extras?.SidecarXmp)), ct);
        }
        catch (ImageRejectedException e)
        {
            return new(name, false, $"{name}: {e.Reason}");
        }

        var existing = await db.Set<Photo>().AsNoTracking().Where(p => p.ShowId == showId && p.Sha256 == spooled.Sha256)
            .Select(p => new { p.Id, p.Position }).FirstOrDefaultAsync(ct);
        if (existing is not null)
            return new(name, false, await AlreadyHereAsync(name, showId, existing.Id, ct), existing.Id);

        bool alreadyStored = await store.PutOriginalAsync(spooled, ct);
        var now = clock.GetUtcNow();
        var photo = new Photo
        {
            ShowId = showId,
            Sha256 = spooled.Sha256,
            OriginalFileName = name,
            OriginalBytes = spooled.Bytes,
            Width = facts.Width,
            Height = facts.Height,
            Format = facts.Format.ToString().ToLowerInvariant(),
            Status = PhotoStatus.Processing,
            RightsCategory = rights.Value.NewPhotoCategory,
            CapturedAt = facts.CapturedAt?.ToUniversalTime(), // cameras record local time + offset; timestamptz takes UTC
            Camera = Clip(string.Join(' ', new[] { facts.CameraMake, facts.CameraModel }.Where(s => !string.IsNullOrWhiteSpace(s))), 200),
            ExifCreator = Clip(facts.Creator, 200),
            ExifCopyright = Clip(facts.Copyright, 300),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (string.IsNullOrEmpty(photo.Camera)) photo.Camera = null;
        var fileFacts = PhotoFileFacts.Prefill(photo, meta, extras, site.Value.TimeZone);
        try
        {
            await db.InTransactionAsync(async () =>
            {
                photo.Id = 0;
                await LockGalleryAsync(db, showId, ct); // two uploads into one show must not both take max + 1
                // The original may have been swept since it was found above (an old orphan with the same bytes): under
                // the sweeper's lock, check again and put it back if it is gone, so the row never points at nothing.
                await LockOriginalAsync(db, spooled.Sha256, ct);
                await store.PutOriginalAsync(spooled, ct);
                photo.Position = (await db.Set<Photo>().Where(p => p.ShowId == showId).MaxAsync(p => (int?)p.Position, ct) ?? 0) + 1;
                db.Set<Photo>().Add(photo);
                db.Set<PhotoFileFacts>().Add(fileFacts);
                await db.SaveChangesAsync(ct);
                queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(photo.Id));
                RightsExpiry.Schedule(db, queue, photo); // the file's expiration date, if it had one
                await db.SaveChangesAsync(ct);
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return new(name, false, $"{name}: already in this gallery; stored once, not added again");
        }
        queue.Notify();
        log.LogInformation("Photo {Id} ({Name}) uploaded to show {Show}", photo.Id, name, showId);
        var note = alreadyStored ? " (the same file was uploaded before; stored once)" : "";
        return new(name, true, $"{name}: uploaded, {facts.Width}×{facts.Height}, processing{note}", photo.Id);
    }

    /// <summary>"IMG_1.jpg: already in this gallery as #12 …" (#12: its place in the gallery's order).</summary>
    public async Task<string> AlreadyHereAsync(string name, int showId, int photoId, CancellationToken ct)
    {
        var ids = await db.Set<Photo>().Where(p => p.ShowId == showId).OrderBy(p => p.Position).ThenBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        return $"{name}: already in this gallery as #{ids.IndexOf(photoId) + 1} (the same file); not added again";
    }

    private static string? Clip(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;
}
