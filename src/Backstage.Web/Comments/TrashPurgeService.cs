using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

/// <summary>
/// Deletes comments trashed longer than the retention period, writing a "purged" audit entry (with the text's excerpt)
/// for each in the same transaction. Comments that still have replies stay until their replies go. Safe on several
/// nodes at once: rows are claimed with FOR UPDATE SKIP LOCKED.
/// </summary>
public sealed class TrashPurge(BackstageDbContext db, TimeProvider clock, ILogger<TrashPurge> log)
{
    public const int BatchSize = 500;

    /// <summary>Purges one batch; <see cref="CommentResult.Changed"/> is how many comments went.</summary>
    public async Task<CommentResult> PurgeAsync(CancellationToken ct = default)
    {
        var rules = await db.CommentRulesAsync(ct);
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-rules.TrashRetentionDays);
        var purged = await db.InTransactionAsync(async () =>
        {
            var old = await db.Set<Comment>()
                .FromSql($"SELECT * FROM comments WHERE state = 'Trash' AND state_changed_at < {cutoff} ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
                .Where(c => !db.Set<Comment>().Any(r => r.ParentId == c.Id || r.ReplyToId == c.Id && r.State != CommentState.Trash))
                .ToListAsync(ct);
            var rule = Actor.Rule("trash retention");
            foreach (var c in old)
                db.Add(CommentAuditEntry.For(rule, "purged", c, CommentState.Trash, null,
                    $"in trash since {c.StateChangedAt:yyyy-MM-dd}, over {rules.TrashRetentionDays} days; text was: {CommentText.Excerpt(c.Body, 300)}", now));
            db.RemoveRange(old);
            await db.SaveChangesAsync(ct);
            return old.Count;
        }, ct);
        if (purged > 0) log.LogInformation("Purged {Count} comments from trash", purged);
        return CommentResult.Done(changed: purged);
    }
}

/// <summary>Runs <see cref="TrashPurge"/> every hour, batch after batch until the trash is clear.</summary>
internal sealed class TrashPurgeService(IServiceScopeFactory scopes, ILogger<TrashPurgeService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    var purge = scope.ServiceProvider.GetRequiredService<TrashPurge>();
                    while ((await purge.PurgeAsync(stoppingToken)).Changed == TrashPurge.BatchSize) { }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Purging comment trash failed; will retry in {Interval}", Interval);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }
}
