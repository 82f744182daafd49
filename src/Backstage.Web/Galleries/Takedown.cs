using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// Takes photos down in one step and brings them back. A takedown records who, when and why, deletes every rendition
/// (rows and objects, so media URLs answer 410), evicts the public pages and every node's local media cache, and keeps
/// the private original in quarantine: it stays in the media store until <see cref="Backstage.Media.MediaOptions.QuarantineDays"/>
/// have passed, when <see cref="MediaSweeper"/> purges it. Restore renders the photo again from that original.
/// </summary>
public sealed class Takedown(BackstageDbContext db, IMediaStore store, JobQueue queue, PublicCache cache, TimeProvider clock,
    MediaOptionsAccessor media, ICdnPurgeRequests cdn, ILogger<Takedown> log)
{
    public static readonly (TakedownReason Reason, string Label)[] Reasons =
        [(TakedownReason.PhotographerRequest, "Photographer request"), (TakedownReason.ModelRequest, "Model request"),
         (TakedownReason.Rights, "Rights"), (TakedownReason.Other, "Other")];

    public static string Label(TakedownReason? reason) => Reasons.FirstOrDefault(r => r.Reason == reason).Label ?? "";

    /// <summary>Takes down the given photos of <paramref name="showId"/> (those already down are skipped); returns how many.</summary>
    public async Task<int> TakeDownAsync(int showId, IReadOnlyCollection<int> photoIds, TakedownReason reason, string? note, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var why = Label(reason) + (string.IsNullOrWhiteSpace(note) ? "" : ": " + note.Trim());
        var ids = photoIds.ToArray();
        // One transaction that wins over any render in flight: the photo rows are locked before anything is read, so a
        // render recording its files (it locks the same row, RenderPhotoHandler.RecordAsync) either committed before
        // (its rows are deleted here) or waits and then finds the photo taken down and records nothing.
        var photos = await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM photos WHERE show_id = {showId} AND id = ANY({ids}) AND taken_down_at IS NULL ORDER BY id FOR UPDATE").ToListAsync(ct);
            var rows = await db.Set<Photo>().Include(p => p.Show)
                .Where(p => p.ShowId == showId && ids.Contains(p.Id) && p.TakenDownAt == null).ToListAsync(ct);
            if (rows.Count == 0) return rows;
            foreach (var p in rows)
            {
                p.TakenDownAt = now;
                p.TakedownReason = reason;
                p.TakedownNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
                p.TakenDownBy = actor.Name;
                p.UpdatedAt = now;
                StudioLog.Record(db, actor, now, StudioActions.Takedown, "photo", p.Id, Describe(p), why);
            }
            var down = rows.Select(p => p.Id).ToList();
            await cdn.AddAsync(db, down, [], "takedown", ct); // reads the rendition URLs, so before they are deleted
            await db.Set<Rendition>().Where(r => down.Contains(r.PhotoId)).ExecuteDeleteAsync(ct);
            await db.Set<Gallery>().Where(g => g.CoverPhotoId != null && down.Contains(g.CoverPhotoId.Value))
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.CoverPhotoId, (int?)null), ct);
            await db.SaveChangesAsync(ct);
            return rows;
        }, ct);
        if (photos.Count == 0) return 0;
        // After the commit: the objects no row points at any more (a crash here leaves orphans the sweeper removes).
        foreach (var p in photos)
        {
            await foreach (var o in store.ListAsync(MediaKeys.RenditionsOf(p.Id), ct)) await store.DeleteAsync(o.Key, ct);
            await cache.InvalidatePhotoAsync(p.Id, ct); // gone from every page and every node's media cache at once
        }
        log.LogInformation("Took down {Count} photo(s) of show {Show}: {Why}", photos.Count, showId, why);
        return photos.Count;
    }

    /// <summary>Brings a taken-down photo back (its original from quarantine) and queues its renditions; null on success, else why not.</summary>
    public async Task<string?> RestoreAsync(int photoId, Actor actor, CancellationToken ct)
    {
        // Under the sweeper's per-original lock (PhotoUploads.LockOriginalAsync): the quarantine check and the restore
        // commit together, so a sweep cannot purge the original between them and leave a photo that fails to render.
        var refused = await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var p = await db.Set<Photo>().Include(x => x.Show).FirstOrDefaultAsync(x => x.Id == photoId, ct);
            if (p is null || !p.IsTakenDown) return "This photo is not taken down.";
            await PhotoUploads.LockOriginalAsync(db, p.Sha256, ct);
            if (await store.StatAsync(MediaKeys.Original(p.Sha256), ct) is null)
                return $"The original of {p.OriginalFileName} is no longer in quarantine (kept {media.Options.QuarantineDays} days): upload it again.";
            var now = clock.GetUtcNow();
            StudioLog.Record(db, actor, now, StudioActions.Restore, "photo", p.Id, Describe(p), p.TakedownReason is null ? null : "was: " + Label(p.TakedownReason));
            (p.TakenDownAt, p.TakedownReason, p.TakedownNote, p.TakenDownBy) = (null, null, null, null);
            (p.Status, p.LastError, p.RenderedFocalKey, p.UpdatedAt) = (PhotoStatus.Processing, null, null, now);
            queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(p.Id));
            await db.SaveChangesAsync(ct);
            return (string?)null;
        }, ct);
        if (refused is not null) return refused;
        queue.Notify();
        await cache.InvalidateAsync(ct);
        return null;
    }

    internal static string Describe(Photo p) => $"{p.Show?.Title ?? "Show " + p.ShowId}, {p.OriginalFileName} (#{p.Id})";
}
