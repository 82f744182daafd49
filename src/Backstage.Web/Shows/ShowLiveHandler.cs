using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Shows;

/// <summary>
/// "show-live" jobs: queued for the minute a scheduled or embargoed show goes live (<see cref="ScheduleAsync"/>), so the
/// show and its published photos appear without a click. The job queue runs it once across nodes and keeps it across
/// restarts; it logs the moment and evicts the public pages. Visibility itself is computed from the times
/// (<see cref="Galleries.GalleryVisibility"/>), so an early, late or repeated run never shows anything too soon.
/// There is one pending job per show and time (a save that keeps the time queues nothing), and a run writes its
/// "went live" row only if none was written for that time yet, under the show's row lock: the append-only studio log
/// gets exactly one row per go-live, however many jobs or nodes run.
/// </summary>
internal sealed class ShowLiveHandler(BackstageDbContext db, PublicCache cache, TimeProvider clock) : IJobHandler
{
    public const string JobKind = "show-live";
    public string Kind => JobKind;

    /// <summary>
    /// Queues the go-live job for the show's current live time, if it is in the future and no pending job covers that
    /// time yet (saved with the caller's SaveChanges; the caller's update of the show row serializes concurrent saves).
    /// </summary>
    public static async Task ScheduleAsync(BackstageDbContext db, JobQueue queue, Show show, DateTimeOffset now, CancellationToken ct)
    {
        if (show.LiveAt is not { } at || at <= now) return;
        var payload = show.Id.ToString(CultureInfo.InvariantCulture);
        if (await db.Set<Job>().AnyAsync(j => j.Kind == JobKind && j.Payload == payload && j.State == JobState.Pending && j.RunAfter == at, ct)) return;
        queue.Enqueue(db, JobKind, payload).RunAfter = at;
    }

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var showId)) throw new PermanentJobException("bad payload");
        var logged = await db.InTransactionAsync(async () =>
        {
            var show = await db.Shows.FromSqlInterpolated($"SELECT *, xmin FROM shows WHERE id = {showId} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(ct);
            var now = clock.GetUtcNow();
            if (show?.LiveAt is not { } at || at > now || at < job.RunAfter) return false; // rescheduled or unpublished since: another job (or none) covers it
            if (await db.Set<StudioAuditEntry>().AnyAsync(e => e.SubjectKind == "show" && e.SubjectId == showId && e.Action == StudioActions.WentLive && e.At >= at, ct))
                return false; // this go-live is logged already (a duplicate job, or a retry after a lost lease)
            StudioLog.Record(db, Actor.System, now, StudioActions.WentLive, "show", show.Id, show.Title,
                show.EmbargoUntil == at ? "embargo lifted" : "scheduled time reached");
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        if (logged) await cache.InvalidateAsync(ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
