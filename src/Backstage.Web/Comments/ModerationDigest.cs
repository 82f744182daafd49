using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Comments;

/// <summary>
/// The admins' daily moderation digest. One "moderation-digest" job per day (payload: the date), due at 08:00 site time.
/// Every node makes sure tomorrow's job exists; an advisory lock around "exists? else insert" makes that one job however
/// many nodes run, and the job queue runs it once.
/// </summary>
public sealed class ModerationDigest(BackstageDbContext db, JobQueue queue, TimeProvider clock, IOptions<BackstageOptions> site)
{
    public const string JobKind = "moderation-digest";
    private const int ScheduleLock = 42_101;
    public static readonly TimeSpan SendAt = TimeSpan.FromHours(8);

    /// <summary>Ensures the next digest (after <paramref name="sent"/>, the day just sent, if given) is queued; returns its date.</summary>
    public async Task<DateOnly> EnsureScheduledAsync(DateOnly? sent = null, CancellationToken ct = default)
    {
        var zone = site.Value.TimeZone;
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (local.TimeOfDay >= SendAt) day = day.AddDays(1);
        if (sent is { } done && day <= done) day = done.AddDays(1);
        var payload = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var due = day.ToDateTime(TimeOnly.FromTimeSpan(SendAt));
        var dueUtc = new DateTimeOffset(due, zone.GetUtcOffset(due)).ToUniversalTime();
        await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({ScheduleLock})", ct);
            if (!await db.Set<Job>().AnyAsync(j => j.Kind == JobKind && j.Payload == payload, ct))
            {
                queue.Enqueue(db, JobKind, payload).RunAfter = dueUtc;
                await db.SaveChangesAsync(ct);
            }
        }, ct);
        return day;
    }
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
        await schedule.EnsureScheduledAsync(DateOnly.ParseExact(job.Payload, "yyyy-MM-dd", CultureInfo.InvariantCulture), ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>On every node: at start and every hour, make sure the next digest is queued (idempotent across nodes).</summary>
internal sealed class ModerationDigestScheduler(IServiceScopeFactory scopes, ILogger<ModerationDigestScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ModerationDigest>().EnsureScheduledAsync(ct: stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Could not schedule the moderation digest; trying again later"); }
            try { await Task.Delay(TimeSpan.FromHours(1), stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
