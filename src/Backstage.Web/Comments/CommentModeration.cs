using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

public enum ModerationDecision { Approve, Spam, Trash, Restore }

/// <summary>
/// What moderators do: move comments between states (settling their reports), ban and unban readers, and set the
/// automatic rules. Every change writes its audit entry in the same transaction.
/// </summary>
public sealed class CommentModeration(BackstageDbContext db, TimeProvider clock, PublicCache cache, ReplyNotifications replies)
{
    /// <summary>A moderator moves comments between states; acting on a comment also settles its open reports.</summary>
    public async Task<CommentResult> ModerateAsync(IReadOnlyCollection<long> ids, ModerationDecision decision, Actor moderator, string? reason = null, CancellationToken ct = default)
    {
        if (ids.Count == 0) return CommentResult.Done();
        var changed = await db.InTransactionAsync(async () =>
        {
            var changed = 0;
            var now = clock.GetUtcNow();
            var comments = await db.Set<Comment>().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
            foreach (var c in comments)
            {
                var from = c.State;
                CommentState to;
                string action;
                switch (decision)
                {
                    case ModerationDecision.Approve: to = CommentState.Approved; action = "approved"; break;
                    case ModerationDecision.Spam: to = CommentState.Spam; action = "spam"; break;
                    case ModerationDecision.Trash: to = CommentState.Trash; action = "trash"; break;
                    default:
                        if (from is not (CommentState.Spam or CommentState.Trash)) continue;
                        to = CommentState.Pending; action = "restored"; break;
                }
                if (to == from && c.OpenReports == 0) continue;
                var why = reason;
                if (to == from) { action = "reports-dismissed"; why ??= $"{c.OpenReports} report(s) dismissed"; }
                else if (c.OpenReports > 0) why ??= $"{c.OpenReports} open report(s) settled";
                db.Add(CommentAuditEntry.For(moderator, action, c, from, to, why, now));
                if (to == CommentState.Approved && from != CommentState.Approved) replies.ReplyApproved(c); // a held reply reaches its addressee now
                c.State = to;
                c.StateChangedAt = now;
                c.OpenReports = 0;
                changed++;
            }
            await db.SaveChangesAsync(ct);
            await db.Set<CommentReport>().Where(r => ids.Contains(r.CommentId) && r.ResolvedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResolvedAt, now), ct);
            return changed;
        }, ct);
        if (changed > 0) await cache.InvalidateAsync(ct);
        return CommentResult.Done(changed: changed);
    }

    /// <summary>Bans a reader: they cannot comment any more and their pending comments go to trash (each audited).</summary>
    public async Task<CommentResult> BanAsync(string userId, Actor admin, string? reason, CancellationToken ct = default)
    {
        if (userId == admin.Id) return CommentResult.Fail(CommentOutcome.Invalid, "You cannot ban yourself.");
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) return CommentResult.Fail(CommentOutcome.NotFound, "No such reader.");
        return await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({CommentPosting.AccountLockClass}, hashtext({userId}))", ct);
            if (await db.IsBannedAsync(userId, ct)) return CommentResult.Fail(CommentOutcome.AlreadyDone, "Already banned.");
            var now = clock.GetUtcNow();
            reason = CommentPosting.Trimmed(reason);
            db.Add(new ReaderBan { UserId = userId, BannedById = admin.Id!, Reason = reason, At = now });
            db.Add(new CommentAuditEntry { At = now, ActorId = admin.Id, Actor = admin.Name, Action = "banned", SubjectUserId = userId, Reason = reason });
            var pending = await db.Set<Comment>().Where(c => c.AuthorId == userId && c.State == CommentState.Pending).ToListAsync(ct);
            foreach (var c in pending)
            {
                db.Add(CommentAuditEntry.For(admin, "trash", c, c.State, CommentState.Trash, "reader banned" + (reason is null ? "" : ": " + reason), now));
                c.State = CommentState.Trash;
                c.StateChangedAt = now;
            }
            await db.SaveChangesAsync(ct);
            return CommentResult.Done(changed: pending.Count);
        }, ct);
    }

    public async Task<CommentResult> UnbanAsync(string userId, Actor admin, CancellationToken ct = default)
    {
        var ban = await db.Set<ReaderBan>().FirstOrDefaultAsync(b => b.UserId == userId, ct);
        if (ban is null) return CommentResult.Fail(CommentOutcome.NotFound, "Not banned.");
        db.Remove(ban);
        db.Add(new CommentAuditEntry { At = clock.GetUtcNow(), ActorId = admin.Id, Actor = admin.Name, Action = "unbanned", SubjectUserId = userId, Reason = ban.Reason is null ? null : "was banned for: " + ban.Reason });
        await db.SaveChangesAsync(ct);
        return CommentResult.Done();
    }

    public async Task<CommentResult> SaveRulesAsync(CommentRules rules, Actor admin, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Set<CommentRules>().FirstOrDefaultAsync(r => r.Id == 1, ct);
        rules.Id = 1;
        rules.UpdatedAt = now;
        if (existing is null) db.Add(rules);
        else db.Entry(existing).CurrentValues.SetValues(rules);
        db.Add(new CommentAuditEntry { At = now, ActorId = admin.Id, Actor = admin.Name, Action = "rules-changed", Reason = rules.Describe() });
        await db.SaveChangesAsync(ct);
        return CommentResult.Done();
    }
}
