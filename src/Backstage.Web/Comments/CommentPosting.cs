using System.Security.Cryptography;
using System.Text;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Reader;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

public sealed record NewComment(int ArticleId, string Body, long? ReplyToId = null, int? PhotoId = null);

/// <summary>
/// What readers do with comments: post, edit and delete their own, report others'. Every change writes its audit entry
/// in the same transaction. Flood limits are enforced by the database (an advisory lock per account and per IP, then
/// a count of recent comments, inside the insert's transaction), so they hold across several app nodes.
/// </summary>
public sealed class CommentPosting(BackstageDbContext db, TimeProvider clock, PublicCache cache, PhotoCatalog photos, SiteSecrets secrets,
    ReplyNotifications replies)
{
    /// <summary>Advisory lock class of one account's comment actions (posting, and being banned).</summary>
    internal const int AccountLockClass = 42_001;
    private const int IpLockClass = 42_002;

    /// <summary>
    /// The per-IP flood rule compares these, never addresses. Keyed with this installation's secret (HMAC-SHA256), so a
    /// leaked table cannot be reversed by hashing all 2³² IPv4 addresses, and the same on every node.
    /// </summary>
    public async Task<string?> HashIpAsync(string? ip, CancellationToken ct = default) => string.IsNullOrEmpty(ip)
        ? null
        : Convert.ToHexString(HMACSHA256.HashData(await secrets.GetAsync("comment-ip-hash", ct), Encoding.UTF8.GetBytes(ip)))[..32];

    private static CommentResult? CheckLength(string body) =>
        body.Length == 0 ? CommentResult.Fail(CommentOutcome.Invalid, "Write something first.")
        : body.Length > Comment.MaxLength ? CommentResult.Fail(CommentOutcome.Invalid, $"Comments can be up to {Comment.MaxLength:N0} characters; this one has {body.Length:N0}.")
        : null;

    public async Task<CommentResult> PostAsync(NewComment input, Actor author, string? ip, CancellationToken ct = default)
    {
        var body = CommentText.Clean(input.Body ?? "");
        if (CheckLength(body) is { } invalid) return invalid;
        var now = clock.GetUtcNow();
        if (!await db.Articles.Live(now).AnyAsync(a => a.Id == input.ArticleId, ct)) return CommentResult.Fail(CommentOutcome.NotFound, "That article is not available.");

        long? parentId = null, replyToId = null;
        if (input.ReplyToId is { } rid)
        {
            var target = await db.Set<Comment>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == rid && c.ArticleId == input.ArticleId, ct);
            // Only a comment this reader can see can be answered (guessing ids reveals nothing).
            if (target is null || !(target.State == CommentState.Approved || (target.AuthorId == author.Id && target.State != CommentState.Trash)))
                return CommentResult.Fail(CommentOutcome.NotFound, "The comment you are replying to is not available.");
            parentId = target.ParentId ?? target.Id; // one level deep: a reply to a reply joins the same thread
            replyToId = target.Id;
        }

        var (photoId, photoLabel) = await PhotoAsync(input.PhotoId, ct);

        var ipHash = await HashIpAsync(ip, ct);
        var result = await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({AccountLockClass}, hashtext({author.Id}))", ct);
            if (ipHash is not null)
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({IpLockClass}, hashtext({ipHash}))", ct);
            var rules = await db.CommentRulesAsync(ct);
            now = clock.GetUtcNow();

            if (await db.IsBannedAsync(author.Id!, ct)) return CommentResult.Fail(CommentOutcome.Banned, "Your account can no longer post comments.");

            var mine = db.Set<Comment>().Where(c => c.AuthorId == author.Id);
            if (rules.MinSecondsBetweenComments > 0)
            {
                var since = now.AddSeconds(-rules.MinSecondsBetweenComments);
                var last = await mine.Where(c => c.CreatedAt > since).MaxAsync(c => (DateTimeOffset?)c.CreatedAt, ct);
                if (last is { } l)
                {
                    var wait = Math.Max(1, (int)Math.Ceiling((l.AddSeconds(rules.MinSecondsBetweenComments) - now).TotalSeconds));
                    return CommentResult.Fail(CommentOutcome.TooFast, $"You are posting too quickly. Please wait {wait} second{(wait == 1 ? "" : "s")} and send it again — your text is kept below.");
                }
            }
            var hourAgo = now.AddHours(-1);
            if (rules.MaxCommentsPerHour > 0 && await mine.CountAsync(c => c.CreatedAt > hourAgo, ct) >= rules.MaxCommentsPerHour)
                return CommentResult.Fail(CommentOutcome.TooFast, $"You have posted {rules.MaxCommentsPerHour} comments in the last hour, the most we allow. Please try again later — your text is kept below.");
            if (ipHash is not null && rules.MaxCommentsPerHourPerIp > 0
                && await db.Set<Comment>().CountAsync(c => c.IpHash == ipHash && c.CreatedAt > hourAgo, ct) >= rules.MaxCommentsPerHourPerIp)
                return CommentResult.Fail(CommentOutcome.TooFast, "Too many comments have come from your network in the last hour. Please try again later — your text is kept below.");

            var key = CommentText.DuplicateKey(body);
            var previous = await mine.Where(c => c.ArticleId == input.ArticleId && c.State != CommentState.Trash).Select(c => c.Body).ToListAsync(ct);
            if (previous.Any(p => CommentText.DuplicateKey(p) == key))
                return CommentResult.Fail(CommentOutcome.Duplicate, "You have already posted this comment here.");

            var (state, rule, reason) = rules.Judge(body)
                ?? (await HoldsFirstCommentAsync(author, rules, ct) ? (CommentState.Pending, "first comment", "the reader has no approved comment yet")
                    : (CommentState.Approved, "auto-approve", "no rule held it"));
            var comment = new Comment
            {
                ArticleId = input.ArticleId, AuthorId = author.Id!, ParentId = parentId, ReplyToId = replyToId, Body = body, State = state,
                PhotoId = photoId, PhotoLabel = photoLabel, IpHash = ipHash,
                CreatedAt = now, StateChangedAt = now,
            };
            db.Add(comment);
            await db.SaveChangesAsync(ct);
            db.Add(CommentAuditEntry.For(Actor.Rule(rule), "posted", comment, null, state, reason, now));
            await db.SaveChangesAsync(ct);
            return CommentResult.Done(comment);
        }, ct);
        if (result.Comment?.State == CommentState.Approved) await cache.InvalidateAsync(ct);
        if (result.Comment is { } posted) await replies.ReplyPostedAsync(posted, ct);
        return result;
    }

    /// <summary>
    /// A photo reference and its label ("#12 at Gucci", numbered as its gallery shows it). Only a Ready photo of a public
    /// gallery can be commented on; anything else (a guessed id, an unpublished photo) gives (null, null): an article comment.
    /// </summary>
    public async Task<(int? PhotoId, string? Label)> PhotoAsync(int? photoId, CancellationToken ct = default)
    {
        if (photoId is not > 0 || await photos.LocateAsync(photoId.Value, publicOnly: true, ct) is not { } place) return (null, null);
        return (photoId, $"#{place.Number} at {place.Show.Designer}");
    }

    /// <summary>Whether this reader's next comment waits for a moderator because none of theirs has been approved yet.</summary>
    public async Task<bool> HoldsFirstCommentAsync(Actor author, CommentRules? rules = null, CancellationToken ct = default) =>
        (rules ?? await db.CommentRulesAsync(ct)).HoldFirstComment && !author.IsStaff
        && !await db.Set<Comment>().AnyAsync(c => c.AuthorId == author.Id && c.State == CommentState.Approved, ct);

    /// <summary>The author edits their own comment within the edit window; the content rules run again.</summary>
    public async Task<CommentResult> EditAsync(long id, Actor reader, string newBody, CancellationToken ct = default)
    {
        var body = CommentText.Clean(newBody ?? "");
        if (CheckLength(body) is { } invalid) return invalid;
        var result = await db.InTransactionAsync(async () =>
        {
            var c = await db.Set<Comment>().FromSqlInterpolated($"SELECT * FROM comments WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (c is null || c.AuthorId != reader.Id || c.State == CommentState.Trash) return CommentResult.Fail(CommentOutcome.NotFound, "That comment is not available.");
            var rules = await db.CommentRulesAsync(ct);
            var now = clock.GetUtcNow();
            if (now > c.CreatedAt.AddMinutes(rules.EditWindowMinutes))
                return new CommentResult(CommentOutcome.WindowClosed, $"Comments can be edited for {rules.EditWindowMinutes} minutes after posting.", c);
            if (body == c.Body) return CommentResult.Done(c);
            var from = c.State;
            // An edit can hold or spam a comment, never approve one that a moderator has not approved.
            var judged = rules.Judge(body);
            var to = judged is not { } j ? from : from == CommentState.Spam ? CommentState.Spam : j.State;
            c.Body = body;
            c.EditedAt = now;
            if (to != from) { c.State = to; c.StateChangedAt = now; }
            db.Add(CommentAuditEntry.For(reader, "edited", c, from, to, to != from ? $"{judged!.Value.Rule}: {judged.Value.Reason}" : "edited by its author", now));
            await db.SaveChangesAsync(ct);
            return CommentResult.Done(c);
        }, ct);
        if (result.Ok) await cache.InvalidateAsync(ct);
        return result;
    }

    /// <summary>The author deletes their own comment: it goes to trash (purged later, with a trace).</summary>
    public async Task<CommentResult> DeleteOwnAsync(long id, Actor reader, CancellationToken ct = default)
    {
        var c = await db.Set<Comment>().FirstOrDefaultAsync(x => x.Id == id && x.AuthorId == reader.Id && x.State != CommentState.Trash, ct);
        if (c is null) return CommentResult.Fail(CommentOutcome.NotFound, "That comment is not available.");
        var now = clock.GetUtcNow();
        db.Add(CommentAuditEntry.For(reader, "deleted", c, c.State, CommentState.Trash, "deleted by its author", now));
        c.State = CommentState.Trash;
        c.StateChangedAt = now;
        await db.SaveChangesAsync(ct);
        await cache.InvalidateAsync(ct);
        return CommentResult.Done(c);
    }

    /// <summary>A reader reports someone else's visible comment, once; it then shows in the moderation queue.</summary>
    public async Task<CommentResult> ReportAsync(long id, Actor reader, string? reason, CancellationToken ct = default)
    {
        var c = await db.Set<Comment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.State == CommentState.Approved, ct);
        if (c is null || c.AuthorId == reader.Id) return CommentResult.Fail(CommentOutcome.NotFound, "That comment is not available.");
        try
        {
            return await db.InTransactionAsync(async () =>
            {
                var now = clock.GetUtcNow();
                reason = Trimmed(reason);
                db.Add(new CommentReport { CommentId = id, ReporterId = reader.Id!, Reason = reason, CreatedAt = now });
                db.Add(CommentAuditEntry.For(reader, "reported", c, c.State, c.State, reason ?? "reported by a reader", now));
                await db.SaveChangesAsync(ct);
                await db.Set<Comment>().Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.OpenReports, x => x.OpenReports + 1), ct);
                return CommentResult.Done(c);
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return CommentResult.Fail(CommentOutcome.AlreadyDone, "You have already reported this comment; a moderator will look at it.");
        }
    }

    /// <summary>A reason typed by a person: trimmed, at most 500 characters, null when blank.</summary>
    internal static string? Trimmed(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
}
