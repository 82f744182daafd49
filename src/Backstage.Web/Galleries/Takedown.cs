using System.Globalization;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Reader;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>Bound from "Backstage:Media" next to the image options.</summary>
public sealed class QuarantineOptions
{
    /// <summary>How long a taken-down photo's original is kept for "Restore" before the sweeper purges it.</summary>
    public int QuarantineDays { get; set; } = 30;
}

/// <summary>
/// Takes photos down in one step and brings them back. A takedown records who, when and why, deletes every rendition
/// (rows and files, so media URLs answer 410), moves the original into quarantine (&lt;media&gt;/quarantine/&lt;photoId&gt;)
/// and evicts the public pages. Restore puts the original back and renders the photo again. Every file operation of
/// this feature is here, so the storage seam can take them over in one place.
/// </summary>
public sealed class Takedown(BackstageDbContext db, MediaStorage storage, JobQueue queue, PublicCache cache, TimeProvider clock,
    QuarantineOptions quarantine, ILogger<Takedown> log)
{
    public static readonly (TakedownReason Reason, string Label)[] Reasons =
        [(TakedownReason.PhotographerRequest, "Photographer request"), (TakedownReason.ModelRequest, "Model request"),
         (TakedownReason.Rights, "Rights"), (TakedownReason.Other, "Other")];

    public static string Label(TakedownReason? reason) => Reasons.FirstOrDefault(r => r.Reason == reason).Label ?? "";

    public string QuarantinePath(int photoId, string sha256) =>
        Path.Combine(storage.Root, "quarantine", photoId.ToString(CultureInfo.InvariantCulture), sha256);

    /// <summary>Takes down the given photos of <paramref name="showId"/> (those already down are skipped); returns how many.</summary>
    public async Task<int> TakeDownAsync(int showId, IReadOnlyCollection<int> photoIds, TakedownReason reason, string? note, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var photos = await db.Set<Photo>().Include(p => p.Show)
            .Where(p => p.ShowId == showId && photoIds.Contains(p.Id) && p.TakenDownAt == null).ToListAsync(ct);
        if (photos.Count == 0) return 0;
        var why = Label(reason) + (string.IsNullOrWhiteSpace(note) ? "" : ": " + note.Trim());
        foreach (var p in photos)
        {
            p.TakenDownAt = now;
            p.TakedownReason = reason;
            p.TakedownNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            p.TakenDownBy = actor.Name;
            p.UpdatedAt = now;
            StudioLog.Record(db, actor, now, StudioActions.Takedown, "photo", p.Id, Describe(p), why);
        }
        var ids = photos.Select(p => p.Id).ToList();
        await db.Set<Rendition>().Where(r => ids.Contains(r.PhotoId)).ExecuteDeleteAsync(ct);
        await db.Set<Gallery>().Where(g => g.CoverPhotoId != null && ids.Contains(g.CoverPhotoId.Value))
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.CoverPhotoId, (int?)null), ct);
        await db.SaveChangesAsync(ct);
        await cache.InvalidateAsync(ct); // gone from every page at once
        foreach (var p in photos)
        {
            DeleteDirectory(storage.RenditionDirectory(p.Id));
            await QuarantineOriginalAsync(p, ct);
        }
        log.LogInformation("Took down {Count} photo(s) of show {Show}: {Why}", photos.Count, showId, why);
        return photos.Count;
    }

    /// <summary>Brings a taken-down photo back (its original from quarantine) and queues its renditions; null on success, else why not.</summary>
    public async Task<string?> RestoreAsync(int photoId, Actor actor, CancellationToken ct)
    {
        var p = await db.Set<Photo>().Include(x => x.Show).FirstOrDefaultAsync(x => x.Id == photoId, ct);
        if (p is null || !p.IsTakenDown) return "This photo is not taken down.";
        var original = storage.Originals.PathFor(p.Sha256);
        var held = QuarantinePath(p.Id, p.Sha256);
        if (!File.Exists(original))
        {
            if (!File.Exists(held)) return $"The original of {p.OriginalFileName} is no longer in quarantine (kept {quarantine.QuarantineDays} days): upload it again.";
            Directory.CreateDirectory(Path.GetDirectoryName(original)!);
            File.Copy(held, original, overwrite: false);
        }
        var now = clock.GetUtcNow();
        StudioLog.Record(db, actor, now, StudioActions.Restore, "photo", p.Id, Describe(p), p.TakedownReason is null ? null : "was: " + Label(p.TakedownReason));
        (p.TakenDownAt, p.TakedownReason, p.TakedownNote, p.TakenDownBy) = (null, null, null, null);
        (p.Status, p.LastError, p.RenderedFocalKey, p.UpdatedAt) = (PhotoStatus.Processing, null, null, now);
        queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(p.Id));
        await db.SaveChangesAsync(ct);
        queue.Notify();
        DeleteDirectory(Path.GetDirectoryName(held)!);
        await cache.InvalidateAsync(ct);
        return null;
    }

    /// <summary>Purges quarantined originals older than QuarantineDays (and any whose photo was restored or deleted).</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var root = Path.Combine(storage.Root, "quarantine");
        if (!Directory.Exists(root)) return 0;
        var cutoff = clock.GetUtcNow().AddDays(-quarantine.QuarantineDays);
        var held = await db.Set<Photo>().Where(p => p.TakenDownAt != null && p.TakenDownAt > cutoff).Select(p => p.Id).ToListAsync(ct);
        int purged = 0;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && held.Contains(id)) continue;
            DeleteDirectory(dir);
            purged++;
        }
        if (purged > 0) log.LogInformation("Purged {Count} quarantined original(s)", purged);
        return purged;
    }

    /// <summary>Copies the original into quarantine, then removes it from the store unless another photo still uses the same bytes.</summary>
    private async Task QuarantineOriginalAsync(Photo p, CancellationToken ct)
    {
        var original = storage.Originals.PathFor(p.Sha256);
        if (!File.Exists(original)) return;
        var held = QuarantinePath(p.Id, p.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(held)!);
        File.Copy(original, held, overwrite: true);
        if (!await db.Set<Photo>().AnyAsync(x => x.Sha256 == p.Sha256 && x.Id != p.Id && x.TakenDownAt == null, ct))
            try { File.Delete(original); } catch (IOException e) { log.LogWarning(e, "Could not remove the original of photo {Id}", p.Id); }
    }

    internal static string Describe(Photo p) => $"{p.Show?.Title ?? "Show " + p.ShowId}, {p.OriginalFileName} (#{p.Id})";

    private static void DeleteDirectory(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { } // the sweeper retries orphans
        catch (UnauthorizedAccessException) { }
    }
}
