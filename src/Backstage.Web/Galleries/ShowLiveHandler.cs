using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// "show-live" jobs: queued for the minute a scheduled or embargoed show goes live (<see cref="Schedule"/>), so the
/// show and its published photos appear without a click. The job queue runs it once across nodes and keeps it across
/// restarts; it logs the moment and evicts the public pages. Visibility itself is computed from the times
/// (<see cref="GalleryVisibility"/>), so an early, late or repeated run never shows anything too soon.
/// </summary>
internal sealed class ShowLiveHandler(BackstageDbContext db, PublicCache cache, TimeProvider clock) : IJobHandler
{
    public const string JobKind = "show-live";
    public string Kind => JobKind;

    /// <summary>Queues the go-live job for the show's current live time, if it is in the future (saved with the caller's SaveChanges).</summary>
    public static void Schedule(BackstageDbContext db, JobQueue queue, Show show, DateTimeOffset now)
    {
        if (show.LiveAt is not { } at || at <= now) return;
        queue.Enqueue(db, JobKind, show.Id.ToString(CultureInfo.InvariantCulture)).RunAfter = at;
    }

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!int.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var showId)) throw new PermanentJobException("bad payload");
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == showId, ct);
        var now = clock.GetUtcNow();
        if (show?.LiveAt is not { } at || at > now || at < job.RunAfter) return; // rescheduled or unpublished since: another job (or none) covers it
        StudioLog.Record(db, Actor.System, now, StudioActions.WentLive, "show", show.Id, show.Title,
            show.EmbargoUntil == at ? "embargo lifted" : "scheduled time reached");
        await db.SaveChangesAsync(ct);
        await cache.InvalidateAsync(ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
