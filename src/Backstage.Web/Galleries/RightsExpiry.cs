using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// A licence's end, on time, once (docs/galleries.md, "Rights"). Readers stop seeing a photo at its "valid until" by the
/// visibility rule alone (<see cref="GalleryVisibility"/>, media answers 410 "licence expired", the output cache never
/// outlives the earliest "valid until"). This job, one per (photo, valid-until) in the PostgreSQL queue, due at that
/// instant, does what the rule cannot: it records the expiry on the photo and in the studio log, evicts every node's
/// pages and media cache, and tells <see cref="IPublicPhotoRemoval"/> (the CDN). A changed "valid until" makes a new job;
/// the old one finds the times differ and does nothing. Idempotent: a second run marks and logs nothing again.
/// </summary>
public static class RightsExpiry
{
    public const string JobKind = "licence-expiry";

    public static string Payload(int photoId, DateTimeOffset until) =>
        FormattableString.Invariant($"{photoId}@{Microseconds(until)}");

    /// <summary>The time as PostgreSQL keeps it (microseconds), so a job queued from an in-memory value matches the stored one.</summary>
    public static long Microseconds(DateTimeOffset at) => at.UtcTicks / 10 * 10;

    public static (int PhotoId, long UntilTicks)? Parse(string payload)
    {
        var at = payload.IndexOf('@');
        return at > 0 && int.TryParse(payload.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
               && long.TryParse(payload.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? (id, ticks) : null;
    }

    /// <summary>Queues the expiry of a new photo (saved with the caller's SaveChanges; <paramref name="photo"/> has its id).</summary>
    public static void Schedule(BackstageDbContext db, JobQueue queue, Photo photo)
    {
        if (photo.ValidUntil is not { } until) return;
        queue.Enqueue(db, JobKind, Payload(photo.Id, until)).RunAfter = until;
    }

    /// <summary>Queues the expiry of <paramref name="photo"/>'s current "valid until" unless it is queued already.</summary>
    public static async Task ScheduleAsync(BackstageDbContext db, JobQueue queue, Photo photo, CancellationToken ct)
    {
        if (photo.ValidUntil is not { } until) return;
        var payload = Payload(photo.Id, until);
        if (db.ChangeTracker.Entries<Job>().Any(e => e.Entity.Kind == JobKind && e.Entity.Payload == payload)) return;
        if (await db.Set<Job>().AnyAsync(j => j.Kind == JobKind && j.Payload == payload && j.State != JobState.Failed, ct)) return;
        queue.Enqueue(db, JobKind, payload).RunAfter = until;
    }
}

public sealed class RightsExpiryHandler(BackstageDbContext db, PublicCache cache, IPublicPhotoRemoval removal, SiteTime time,
    ILogger<RightsExpiryHandler> log) : IJobHandler
{
    public string Kind => RightsExpiry.JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (RightsExpiry.Parse(job.Payload) is not { } parsed) throw new PermanentJobException($"bad payload \"{job.Payload}\"");
        var (photoId, ticks) = parsed;
        var left = await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            // The row lock orders this with an editor extending the licence at the same moment: one of them sees the other.
            await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM photos WHERE id = {photoId} FOR UPDATE").ToListAsync(ct);
            var p = await db.Set<Photo>().Include(x => x.Show).FirstOrDefaultAsync(x => x.Id == photoId, ct);
            // Deleted, or its "valid until" changed since (extended, cleared): this job is about a time that no longer holds.
            if (p?.ValidUntil is not { } until || RightsExpiry.Microseconds(until) != ticks || until > time.Now) return false;
            if (p.LicenceExpiredAt is null)
            {
                p.LicenceExpiredAt = time.Now;
                StudioLog.Record(db, Actor.System, time.Now, StudioActions.LicenceExpired, "photo", p.Id, Takedown.Describe(p),
                    $"licence expired: valid until {time.Format(until)} ({time.ZoneName})");
                await db.SaveChangesAsync(ct);
            }
            return p.PublishedAt is not null && !p.IsTakenDown;
        }, ct);
        // After the commit, and on every run (a retry after a failed eviction must still evict): both are idempotent.
        await cache.InvalidatePhotoAsync(photoId, ct);
        if (left)
        {
            await removal.PhotoLeftPublicAsync([photoId], ct);
            log.LogInformation("Licence of photo {Id} expired: off every public surface", photoId);
        }
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
