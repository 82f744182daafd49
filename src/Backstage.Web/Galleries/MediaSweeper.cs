using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// Removes what crashes, deletes and re-renders leave behind, once it is older than <see cref="JobOptions.OrphanAge"/>:
/// this node's upload spool and render folders, originals no photo refers to (an upload that crashed between putting
/// the object and inserting its row, or a deleted photo) or only photos taken down longer ago than
/// <see cref="Backstage.Media.MediaOptions.QuarantineDays"/> (the quarantine <see cref="Takedown"/> keeps for "Restore"), rendition objects with no row (old focal crops, deleted
/// photos) and half-written temp objects. Objects are checked against the database in batches.
/// </summary>
public sealed class MediaSweeper(IServiceScopeFactory scopes, IMediaStore store, IOptions<MediaStorageOptions> storage,
    IOptions<JobOptions> options, MediaOptionsAccessor media, TimeProvider clock, ILogger<MediaSweeper> log)
{
    private const int Batch = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var age = options.Value.OrphanAge;
        var cutoff = DateTimeOffset.UtcNow - age;
        int removed = SweepSpool(age);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var quarantineEnd = clock.GetUtcNow().AddDays(-media.Options.QuarantineDays);

        removed += await SweepAsync(MediaKeys.OriginalsPrefix, cutoff, async (objects, token) =>
        {
            var shas = objects.Select(o => MediaKeys.TryParseOriginal(o.Key, out var sha) ? sha : null).OfType<string>().Distinct().ToList();
            var used = (await UsedOriginals(db, shas, quarantineEnd).ToListAsync(token)).ToHashSet();
            return objects.Where(o => !(MediaKeys.TryParseOriginal(o.Key, out var sha) && used.Contains(sha)));
        }, ct, deleteAsync: (o, token) => DeleteOriginalIfUnusedAsync(db, o.Key, quarantineEnd, token));

        removed += await SweepAsync(MediaKeys.RenditionsPrefix, cutoff, async (objects, token) =>
        {
            var ids = objects.Select(o => MediaKeys.TryParseRendition(o.Key, out var id, out _) ? id : 0).Where(id => id > 0).Distinct().ToList();
            var rows = (await db.Set<Rendition>().Where(r => ids.Contains(r.PhotoId)).Select(r => new { r.PhotoId, r.Spec }).ToListAsync(token))
                .Select(r => MediaKeys.Rendition(r.PhotoId, r.Spec)).ToHashSet(StringComparer.Ordinal);
            return objects.Where(o => !rows.Contains(o.Key));
        }, ct);

        if (removed > 0) log.LogInformation("Media sweeper removed {Count} orphan files", removed);
        // Finished jobs are kept a week for the record, then dropped (failed ones stay: their photo shows the error).
        var before = DateTimeOffset.UtcNow.AddDays(-7);
        await db.Set<Job>().Where(j => j.State == JobState.Succeeded && j.FinishedAt < before).ExecuteDeleteAsync(ct);
        return removed;
    }

    private static IQueryable<string> UsedOriginals(BackstageDbContext db, IReadOnlyCollection<string> shas, DateTimeOffset quarantineEnd) =>
        db.Set<Photo>().Where(p => shas.Contains(p.Sha256) && (p.TakenDownAt == null || p.TakenDownAt > quarantineEnd)).Select(p => p.Sha256).Distinct();

    /// <summary>
    /// The batch check above is only a first cut: an upload may reuse this original (same bytes) between it and the
    /// delete. So each original is checked again and deleted under <see cref="PhotoUploads.LockOriginalAsync"/>, the
    /// lock an upload holds from its check that the object exists until its row commits: either the upload's row is
    /// seen here and the object stays, or the upload finds the object gone and puts it again.
    /// </summary>
    private async Task<bool> DeleteOriginalIfUnusedAsync(BackstageDbContext db, string key, DateTimeOffset quarantineEnd, CancellationToken ct)
    {
        if (!MediaKeys.TryParseOriginal(key, out var sha)) return false;
        bool deleted = false;
        await db.InTransactionAsync(async () =>
        {
            deleted = false;
            await PhotoUploads.LockOriginalAsync(db, sha, ct);
            if (await UsedOriginals(db, [sha], quarantineEnd).AnyAsync(ct)) return;
            await store.DeleteAsync(key, ct);
            deleted = true;
        }, ct);
        return deleted;
    }

    /// <summary>Lists <paramref name="prefix"/>, and deletes the old objects that <paramref name="orphans"/> picks from each batch.</summary>
    private async Task<int> SweepAsync(string prefix, DateTimeOffset cutoff,
        Func<List<StoredObject>, CancellationToken, Task<IEnumerable<StoredObject>>> orphans, CancellationToken ct,
        Func<StoredObject, CancellationToken, Task<bool>>? deleteAsync = null)
    {
        int removed = 0;
        var batch = new List<StoredObject>();
        async Task FlushAsync()
        {
            foreach (var o in await orphans(batch, ct))
            {
                if (deleteAsync is not null) { if (await deleteAsync(o, ct)) removed++; continue; }
                await store.DeleteAsync(o.Key, ct);
                removed++;
            }
            batch.Clear();
        }
        await foreach (var o in store.ListAsync(prefix, ct))
        {
            if (o.LastModified > cutoff) continue;
            batch.Add(o);
            if (batch.Count >= Batch) await FlushAsync();
        }
        if (batch.Count > 0) await FlushAsync();
        return removed;
    }

    /// <summary>Upload spool files and render folders of this node that a crash left behind.</summary>
    private int SweepSpool(TimeSpan age)
    {
        var spool = storage.Value.SpoolDirectory!;
        int removed = UploadSpool.SweepTemporaryFiles(spool, age);
        if (!Directory.Exists(spool)) return removed;
        foreach (var dir in Directory.EnumerateDirectories(spool, "render-*"))
        {
            if (Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow - age) continue;
            try { Directory.Delete(dir, recursive: true); removed++; } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return removed;
    }
}

internal sealed class MediaSweeperService(MediaSweeper sweeper, IOptions<JobOptions> options, ILogger<MediaSweeperService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.SweepInterval;
        // Every node sweeps, page-only nodes (Workers = 0) too: they receive uploads, so their spool fills like any other.
        if (every <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(every);
        do
        {
            try { await sweeper.SweepAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Media sweeper failed"); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
