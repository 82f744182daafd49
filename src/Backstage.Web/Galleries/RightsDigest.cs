using System.Globalization;
using System.Text;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// The editors' opt-in "expiring licences" email (account settings): what stops being usable in the next 7 days. One
/// "rights-digest" job per day (see <see cref="DailyJob"/>); it goes out through the mail job, once per (day, editor).
/// </summary>
public sealed class RightsDigest(BackstageDbContext db, JobQueue queue, TimeProvider clock, IOptions<BackstageOptions> site)
    : DailyJob(db, queue, clock, site)
{
    public const string JobKind = "rights-digest";
    public override string Kind => JobKind;
    protected override int ScheduleLock => 42_119;
}

public sealed class RightsDigestHandler(BackstageDbContext db, Mailer mailer, Unsubscribe unsubscribe, RightsDigest schedule, SiteTime time) : IJobHandler
{
    public string Kind => RightsDigest.JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        var now = time.Now;
        var expiring = await RightsQueries.ExpiringAsync(db, now, now.AddDays(7), ct);
        if (expiring.Count > 0)
        {
            var staff = await (
                from u in db.Users
                join ur in db.UserRoles on u.Id equals ur.UserId
                join r in db.Roles on ur.RoleId equals r.Id
                where Roles.Staff.Contains(r.Name!) && u.RightsDigest && u.Email != null
                select new { u.Id, u.Email, u.DisplayName }).Distinct().ToListAsync(ct);
            var list = new StringBuilder();
            foreach (var p in expiring)
                list.Append(CultureInfo.InvariantCulture, $"- {time.Format(p.ValidUntil)}: {p.Show?.Title}, {p.OriginalFileName} ({Rights.Label(p.RightsCategory)}{(p.RightsSource is null ? "" : ", " + p.RightsSource)}) {mailer.Link($"/studio/photos/{p.Id}")}\n");
            foreach (var editor in staff)
            {
                var body = $"""
                    Hello {editor.DisplayName},

                    {expiring.Count} photo licence{(expiring.Count == 1 ? "" : "s")} end{(expiring.Count == 1 ? "s" : "")} in the next 7 days (times in {time.ZoneName}). Each photo leaves the site at that minute unless its licence is extended.

                    {list}
                    The Rights page: {mailer.Link("/studio/rights")}
                    """;
                await mailer.SendAsync(editor.Email!, editor.DisplayName, $"Expiring in 7 days: {expiring.Count} photo licence{(expiring.Count == 1 ? "" : "s")}", body,
                    unsubscribe.Url(editor.Id, MailTopic.RightsDigest), dedupKey: $"rights-digest:{job.Payload}:{editor.Id}", ct: ct);
            }
        }
        await schedule.EnsureScheduledAsync(DailyJob.DayOf(job), ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The desk's questions about rights (the Rights page, the dashboard, the digest).</summary>
public static class RightsQueries
{
    /// <summary>Photos not taken down whose licence ends in [from, to), soonest first.</summary>
    public static Task<List<Photo>> ExpiringAsync(BackstageDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        db.Set<Photo>().AsNoTracking().Include(p => p.Show)
            .Where(p => p.TakenDownAt == null && p.ValidUntil != null && p.ValidUntil >= from && p.ValidUntil < to)
            .OrderBy(p => p.ValidUntil).ThenBy(p => p.Id).ToListAsync(ct);
}
