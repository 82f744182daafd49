using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Shows;

/// <summary>What the show form owns: everything but the status and publish time, which only the publishing actions set.</summary>
public sealed record ShowFields(string Designer, string Season, string City, DateOnly Date, string Slug, string? Description,
    DateTimeOffset? EmbargoUntil, uint Version);

/// <summary>
/// Every change of a show's state: save, publish now, schedule, unpublish (back to draft), embargo. Each action is one
/// transaction with its studio-log rows and its go-live job, and evicts the public pages after the commit. Nothing else
/// changes a show's state: publishing an article that embeds it does not (<see cref="PublishForArticleAsync"/> is the
/// editor's explicit "Publish the show too").
/// </summary>
public sealed class ShowPublishing(BackstageDbContext db, JobQueue queue, PublicCache cache, SiteTime time, ICdnPurgeRequests cdn)
{
    /// <summary>
    /// Saves the fields and applies the state the action chose (<paramref name="status"/>, <paramref name="publishAt"/>,
    /// validated by the page with Articles.PublishSchedule). Logs a state change and an embargo change, each as its own row.
    /// </summary>
    public async Task<PublishOutcome> SaveAsync(int? id, ShowFields fields, ShowStatus status, DateTimeOffset? publishAt, Actor actor, CancellationToken ct)
    {
        try
        {
            var show = await db.InTransactionAsync(async () =>
            {
                Show? show;
                if (id is null) db.Shows.Add(show = new Show { CreatedAt = time.Now });
                else
                {
                    show = await db.Shows.FirstOrDefaultAsync(s => s.Id == id, ct);
                    if (show is null) return null;
                    db.Entry(show).Property(s => s.Version).OriginalValue = fields.Version;
                }
                var log = new List<(string Action, string? Why)>();
                bool backToDraft = id is not null && show.Status != ShowStatus.Draft && status == ShowStatus.Draft;
                if (show.Status != status || show.PublishAt != publishAt)
                    log.Add((status switch { ShowStatus.Draft => StudioActions.Unpublish, ShowStatus.Scheduled => StudioActions.Schedule, _ => StudioActions.Publish },
                        status == ShowStatus.Scheduled ? $"goes live {time.Format(publishAt)} ({time.ZoneName})" : null));
                if (show.EmbargoUntil != fields.EmbargoUntil)
                    log.Add((StudioActions.Embargo, fields.EmbargoUntil is null ? "embargo lifted" : $"not before {time.Format(fields.EmbargoUntil)} ({time.ZoneName})"));
                (show.Designer, show.Season, show.City, show.Date, show.Slug, show.Description) =
                    (fields.Designer, fields.Season, fields.City, fields.Date, fields.Slug, fields.Description);
                (show.Status, show.PublishAt, show.EmbargoUntil, show.UpdatedAt) = (status, publishAt, fields.EmbargoUntil, time.Now);
                await db.SaveChangesAsync(ct); // the log and the go-live job need a new show's id
                foreach (var (action, why) in log) StudioLog.Record(db, actor, time.Now, action, "show", show.Id, show.Title, why);
                await ShowLiveHandler.ScheduleAsync(db, queue, show, time.Now, ct);
                if (backToDraft) await cdn.AddAsync(db, [], [show.Id], "show back to draft", ct); // the CDN forgets it with this commit
                await db.SaveChangesAsync(ct);
                return show;
            }, ct);
            if (show is null) return PublishOutcome.Refused("That show no longer exists.");
            await cache.InvalidateAsync(ct); // readers see the change at once
            return new PublishOutcome(true, show.Id, show.Title);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PublishOutcome.Refused("Someone else saved this show after you opened it. Your changes are still in the form; reload the show in a new tab and apply them there.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return PublishOutcome.Refused($"Another show already uses the address /shows/{fields.Slug}. Choose another.", "Input.Slug");
        }
    }

    /// <summary>
    /// "Publish the show too", from an article's gate: publishes the show now (an embargo still holds it), logged with the
    /// article that asked. A show that is already published keeps its time.
    /// </summary>
    public async Task<PublishOutcome> PublishForArticleAsync(int showId, string articleTitle, Actor actor, CancellationToken ct)
    {
        var show = await db.InTransactionAsync(async () =>
        {
            var show = await db.Shows.FirstOrDefaultAsync(s => s.Id == showId, ct);
            if (show is null || show.Status == ShowStatus.Published && show.PublishAt <= time.Now) return show;
            (show.Status, show.PublishAt, show.UpdatedAt) = (ShowStatus.Published, time.Now, time.Now);
            StudioLog.Record(db, actor, time.Now, StudioActions.Publish, "show", show.Id, show.Title, $"\"Publish the show too\" from the article \"{articleTitle}\"");
            await ShowLiveHandler.ScheduleAsync(db, queue, show, time.Now, ct);
            await db.SaveChangesAsync(ct);
            return show;
        }, ct);
        if (show is null) return PublishOutcome.Refused("That show no longer exists.");
        await cache.InvalidateAsync(ct);
        return new PublishOutcome(true, show.Id, show.IsLive(time.Now)
            ? $"Published {show.Title}: readers see it and its published photos now."
            : $"Published {show.Title}; its embargo holds it until {time.Format(show.LiveAt)} ({time.ZoneName}).");
    }
}

public static class ShowsRegistration
{
    public static void AddBackstageShows(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShowPublishing>();
        builder.Services.AddScoped<IJobHandler, ShowLiveHandler>();
    }
}
