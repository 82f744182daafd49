using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Comments;

/// <summary>The admins' daily moderation digest: one "moderation-digest" job per day (see <see cref="DailyJob"/>).</summary>
public sealed class ModerationDigest(BackstageDbContext db, JobQueue queue, TimeProvider clock, IOptions<BackstageOptions> site)
    : DailyJob(db, queue, clock, site)
{
    public const string JobKind = "moderation-digest";
    public override string Kind => JobKind;
    protected override int ScheduleLock => 42_101;
}

public sealed class ModerationDigestHandler(BackstageDbContext db, Mailer mailer, Unsubscribe unsubscribe, ModerationDigest schedule) : IJobHandler
{
    public string Kind => ModerationDigest.JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        var pending = await db.Set<Comment>().CountAsync(c => c.State == CommentState.Pending, ct);
        var reported = await db.Set<Comment>().CountAsync(c => c.OpenReports > 0 && c.State != CommentState.Trash, ct);
        if (pending + reported > 0)
        {
            var admins = await (
                from u in db.Users
                join ur in db.UserRoles on u.Id equals ur.UserId
                join r in db.Roles on ur.RoleId equals r.Id
                where r.Name == Roles.Admin && u.ModerationDigest && u.Email != null
                select new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
            foreach (var admin in admins)
            {
                var body = $"""
                    Hello {admin.DisplayName},

                    The moderation queue on {job.Payload}: {pending} comment{(pending == 1 ? "" : "s")} awaiting moderation, {reported} reported.

                    Open the queue: {mailer.Link("/admin/moderation")}
                    """;
                await mailer.SendAsync(admin.Email!, admin.DisplayName, $"Moderation queue: {pending} waiting, {reported} reported", body,
                    unsubscribe.Url(admin.Id, MailTopic.ModerationDigest), dedupKey: $"digest:{job.Payload}:{admin.Id}", ct: ct);
            }
        }
        await schedule.EnsureScheduledAsync(DailyJob.DayOf(job), ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
