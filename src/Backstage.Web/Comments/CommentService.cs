using System.Security.Cryptography;
using System.Text;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Hosting;
using Backstage.Web.Reader;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

/// <summary>Who performs an action: a signed-in person (Id and email) — rules use <see cref="Rule"/>.</summary>
public sealed record Actor(string? Id, string Name, bool IsStaff = false)
{
    public static Actor Rule(string name) => new(null, "rule: " + name);
}

public sealed record NewComment(int ArticleId, string Body, long? ReplyToId = null, int? PhotoId = null);

public enum PostOutcome { Accepted, Invalid, NotFound, Banned, TooFast, Duplicate }

public sealed record PostResult(PostOutcome Outcome, Comment? Comment = null, string? Error = null)
{
    public bool Accepted => Outcome == PostOutcome.Accepted;
}

/// <summary>
/// Everything that changes a comment goes through here, so every transition writes its audit entry in the same
/// transaction. Flood limits are enforced by the database (an advisory lock per account and per IP, then a count of
/// recent comments, inside the insert's transaction), so they hold across several app nodes.
/// </summary>
public sealed class CommentService(BackstageDbContext db, TimeProvider clock, PublicCache cache, PhotoCatalog photos, SiteSecrets secrets,
    Email.ReplyNotifications replies, ILogger<CommentService> log)
{
    private const int AccountLockClass = 42_001;
    private const int IpLockClass = 42_002;

    public async Task<CommentRules> RulesAsync(CancellationToken ct = default) =>
        await db.Set<CommentRules>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == 1, ct) ?? new CommentRules();

    /// <summary>
    /// The per-IP flood rule compares these, never addresses. Keyed with this installation's secret (HMAC-SHA256), so a
    /// leaked table cannot be reversed by hashing all 2³² IPv4 addresses, and the same on every node.
    /// </summary>
    public async Task<string?> HashIpAsync(string? ip, CancellationToken ct = default) => string.IsNullOrEmpty(ip)
        ? null
        : Convert.ToHexString(HMACSHA256.HashData(await secrets.GetAsync("comment-ip-hash", ct), Encoding.UTF8.GetBytes(ip)))[..32];

    public Task<bool> IsBannedAsync(string userId, CancellationToken ct = default) =>
        db.Set<ReaderBan>().AnyAsync(b => b.UserId == userId, ct);

    public async Task<PostResult> PostAsync(NewComment input, Actor author, string? ip, CancellationToken ct = default)
    {
        var body = CommentText.Clean(input.Body ?? "");
        if (body.Length == 0) return new(PostOutcome.Invalid, Error: "Write something first.");
        if (body.Length > Comment.MaxLength)
            return new(PostOutcome.Invalid, Error: $"Comments can be up to {Comment.MaxLength:N0} characters; this one has {body.Length:N0}.");
        var now = clock.GetUtcNow();
        if (!await db.Articles.Live(now).AnyAsync(a => a.Id == input.ArticleId, ct)) return new(PostOutcome.NotFound, Error: "That article is not available.");

        long? parentId = null, replyToId = null;
        if (input.ReplyToId is { } rid)
        {
            var target = await db.Set<Comment>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == rid && c.ArticleId == input.ArticleId, ct);
            // Only a comment this reader can see can be answered (guessing ids reveals nothing).
            if (target is null || !(target.State == CommentState.Approved || (target.AuthorId == author.Id && target.State != CommentState.Trash)))
                return new(PostOutcome.NotFound, Error: "The comment you are replying to is not available.");
            parentId = target.ParentId ?? target.Id; // one level deep: a reply to a reply joins the same thread
            replyToId = target.Id;
        }

        var (photoId, photoLabel) = await PhotoAsync(input.PhotoId, ct);

        var ipHash = await HashIpAsync(ip, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({AccountLockClass}, hashtext({author.Id}))", ct);
            if (ipHash is not null)
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({IpLockClass}, hashtext({ipHash}))", ct);
            var rules = await RulesAsync(ct);
            now = clock.GetUtcNow();

            if (await IsBannedAsync(author.Id!, ct)) return new PostResult(PostOutcome.Banned, Error: "Your account can no longer post comments.");

            var mine = db.Set<Comment>().Where(c => c.AuthorId == author.Id);
            if (rules.MinSecondsBetweenComments > 0)
            {
                var since = now.AddSeconds(-rules.MinSecondsBetweenComments);
                var last = await mine.Where(c => c.CreatedAt > since).MaxAsync(c => (DateTimeOffset?)c.CreatedAt, ct);
                if (last is { } l)
                {
                    var wait = Math.Max(1, (int)Math.Ceiling((l.AddSeconds(rules.MinSecondsBetweenComments) - now).TotalSeconds));
                    return new PostResult(PostOutcome.TooFast, Error: $"You are posting too quickly. Please wait {wait} second{(wait == 1 ? "" : "s")} and send it again — your text is kept below.");
                }
            }
            var hourAgo = now.AddHours(-1);
            if (rules.MaxCommentsPerHour > 0 && await mine.CountAsync(c => c.CreatedAt > hourAgo, ct) >= rules.MaxCommentsPerHour)
                return new PostResult(PostOutcome.TooFast, Error: $"You have posted {rules.MaxCommentsPerHour} comments in the last hour, the most we allow. Please try again later — your text is kept below.");
            if (ipHash is not null && rules.MaxCommentsPerHourPerIp > 0
                && await db.Set<Comment>().CountAsync(c => c.IpHash == ipHash && c.CreatedAt > hourAgo, ct) >= rules.MaxCommentsPerHourPerIp)
                return new PostResult(PostOutcome.TooFast, Error: "Too many comments have come from your network in the last hour. Please try again later — your text is kept below.");

            var key = CommentText.DuplicateKey(body);
            var previous = await mine.Where(c => c.ArticleId == input.ArticleId && c.State != CommentState.Trash).Select(c => c.Body).ToListAsync(ct);
            if (previous.Any(p => CommentText.DuplicateKey(p) == key))
                return new PostResult(PostOutcome.Duplicate, Error: "You have already posted this comment here.");

            var (state, rule, reason) = await DecideAsync(body, author, rules, firstCheck: true, ct);
            var comment = new Comment
            {
                ArticleId = input.ArticleId, AuthorId = author.Id!, ParentId = parentId, ReplyToId = replyToId, Body = body, State = state,
                PhotoId = photoId, PhotoLabel = photoLabel, IpHash = ipHash,
                CreatedAt = now, StateChangedAt = now,
            };
            db.Add(comment);
            await db.SaveChangesAsync(ct);
            db.Add(Audit(Actor.Rule(rule), "posted", comment, null, state, reason, now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new PostResult(PostOutcome.Accepted, comment);
        });
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

    /// <summary>Which state the rules give a text: block list → spam; moderation list, links, first comment → pending.</summary>
    private async Task<(CommentState State, string Rule, string Reason)> DecideAsync(string body, Actor author, CommentRules rules, bool firstCheck, CancellationToken ct)
    {
        if (WordList.FirstMatch(body, rules.BlockWords) is { } blocked)
            return (CommentState.Spam, "block list", $"contains \"{blocked}\" from the block list");
        if (WordList.FirstMatch(body, rules.ModerationWords) is { } held)
            return (CommentState.Pending, "moderation list", $"contains \"{held}\" from the moderation list");
        var links = CommentText.CountLinks(body);
        if (links > rules.MaxLinks)
            return (CommentState.Pending, "link limit", $"{links} links (more than {rules.MaxLinks})");
        if (firstCheck && await HoldsFirstCommentAsync(author, rules, ct))
            return (CommentState.Pending, "first comment", "the reader has no approved comment yet");
        return (CommentState.Approved, "auto-approve", "no rule held it");
    }

    /// <summary>Whether this reader's next comment waits for a moderator because none of theirs has been approved yet.</summary>
    public async Task<bool> HoldsFirstCommentAsync(Actor author, CommentRules? rules = null, CancellationToken ct = default) =>
        (rules ?? await RulesAsync(ct)).HoldFirstComment && !author.IsStaff
        && !await db.Set<Comment>().AnyAsync(c => c.AuthorId == author.Id && c.State == CommentState.Approved, ct);

    private static CommentAuditEntry Audit(Actor actor, string action, Comment c, CommentState? from, CommentState? to, string? reason, DateTimeOffset at) => new()
    {
        At = at, ActorId = actor.Id, Actor = actor.Name, Action = action, CommentId = c.Id, ArticleId = c.ArticleId,
        SubjectUserId = c.AuthorId, FromState = from, ToState = to, Reason = reason,
    };

    public enum EditOutcome { Saved, NotFound, WindowClosed, Invalid, Duplicate }

    /// <summary>The author edits their own comment within the edit window; the content rules run again.</summary>
    public async Task<(EditOutcome Outcome, string? Error, Comment? Comment)> EditAsync(long id, Actor reader, string newBody, CancellationToken ct = default)
    {
        var body = CommentText.Clean(newBody ?? "");
        if (body.Length == 0) return (EditOutcome.Invalid, "Write something first.", null);
        if (body.Length > Comment.MaxLength) return (EditOutcome.Invalid, $"Comments can be up to {Comment.MaxLength:N0} characters; this one has {body.Length:N0}.", null);
        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var c = await db.Set<Comment>().FromSqlInterpolated($"SELECT * FROM comments WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (c is null || c.AuthorId != reader.Id || c.State == CommentState.Trash) return (EditOutcome.NotFound, "That comment is not available.", (Comment?)null);
            var rules = await RulesAsync(ct);
            var now = clock.GetUtcNow();
            if (now > c.CreatedAt.AddMinutes(rules.EditWindowMinutes))
                return (EditOutcome.WindowClosed, $"Comments can be edited for {rules.EditWindowMinutes} minutes after posting.", c);
            if (body == c.Body) return (EditOutcome.Saved, null, c);
            var from = c.State;
            var (decided, rule, reason) = await DecideAsync(body, reader, rules, firstCheck: false, ct);
            // An edit can hold or spam a comment, never approve one that a moderator has not approved.
            var to = decided == CommentState.Approved ? from : from == CommentState.Spam ? CommentState.Spam : decided;
            c.Body = body;
            c.EditedAt = now;
            if (to != from) { c.State = to; c.StateChangedAt = now; }
            db.Add(Audit(reader, "edited", c, from, to, to != from ? $"{rule}: {reason}" : "edited by its author", now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (EditOutcome.Saved, (string?)null, c);
        });
        if (outcome.Item1 == EditOutcome.Saved) await cache.InvalidateAsync(ct);
        return outcome;
    }

    /// <summary>The author deletes their own comment: it goes to trash (purged later, with a trace).</summary>
    public async Task<bool> DeleteOwnAsync(long id, Actor reader, CancellationToken ct = default)
    {
        var c = await db.Set<Comment>().FirstOrDefaultAsync(x => x.Id == id && x.AuthorId == reader.Id && x.State != CommentState.Trash, ct);
        if (c is null) return false;
        var now = clock.GetUtcNow();
        db.Add(Audit(reader, "deleted", c, c.State, CommentState.Trash, "deleted by its author", now));
        c.State = CommentState.Trash;
        c.StateChangedAt = now;
        await db.SaveChangesAsync(ct);
        await cache.InvalidateAsync(ct);
        return true;
    }

    public enum ReportOutcome { Reported, AlreadyReported, NotFound }

    /// <summary>A reader reports someone else's visible comment, once; it then shows in the moderation queue.</summary>
    public async Task<ReportOutcome> ReportAsync(long id, Actor reader, string? reason, CancellationToken ct = default)
    {
        var c = await db.Set<Comment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.State == CommentState.Approved, ct);
        if (c is null || c.AuthorId == reader.Id) return ReportOutcome.NotFound;
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var now = clock.GetUtcNow();
                reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
                db.Add(new CommentReport { CommentId = id, ReporterId = reader.Id!, Reason = reason, CreatedAt = now });
                db.Add(Audit(reader, "reported", c, c.State, c.State, reason ?? "reported by a reader", now));
                await db.SaveChangesAsync(ct);
                await db.Set<Comment>().Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.OpenReports, x => x.OpenReports + 1), ct);
                await tx.CommitAsync(ct);
                return ReportOutcome.Reported;
            });
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ReportOutcome.AlreadyReported;
        }
    }

    public enum Decision { Approve, Spam, Trash, Restore }

    /// <summary>A moderator moves comments between states; acting on a comment also settles its open reports.</summary>
    public async Task<int> ModerateAsync(IReadOnlyCollection<long> ids, Decision decision, Actor moderator, string? reason = null, CancellationToken ct = default)
    {
        if (ids.Count == 0) return 0;
        var changed = 0;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            changed = 0;
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var comments = await db.Set<Comment>().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
            foreach (var c in comments)
            {
                var from = c.State;
                CommentState to;
                string action;
                switch (decision)
                {
                    case Decision.Approve: to = CommentState.Approved; action = "approved"; break;
                    case Decision.Spam: to = CommentState.Spam; action = "spam"; break;
                    case Decision.Trash: to = CommentState.Trash; action = "trash"; break;
                    default:
                        if (from is not (CommentState.Spam or CommentState.Trash)) continue;
                        to = CommentState.Pending; action = "restored"; break;
                }
                if (to == from && c.OpenReports == 0) continue;
                var why = reason;
                if (to == from) { action = "reports-dismissed"; why ??= $"{c.OpenReports} report(s) dismissed"; }
                else if (c.OpenReports > 0) why ??= $"{c.OpenReports} open report(s) settled";
                db.Add(Audit(moderator, action, c, from, to, why, now));
                c.State = to;
                c.StateChangedAt = now;
                c.OpenReports = 0;
                changed++;
            }
            await db.SaveChangesAsync(ct);
            await db.Set<CommentReport>().Where(r => ids.Contains(r.CommentId) && r.ResolvedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResolvedAt, now), ct);
            await tx.CommitAsync(ct);
        });
        if (changed > 0) await cache.InvalidateAsync(ct);
        return changed;
    }

    /// <summary>Bans a reader: they cannot comment any more and their pending comments go to trash (each audited).</summary>
    public async Task<bool> BanAsync(string userId, Actor admin, string? reason, CancellationToken ct = default)
    {
        if (userId == admin.Id) return false;
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) return false;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({AccountLockClass}, hashtext({userId}))", ct);
            if (await IsBannedAsync(userId, ct)) return false;
            var now = clock.GetUtcNow();
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
            db.Add(new ReaderBan { UserId = userId, BannedById = admin.Id!, Reason = reason, At = now });
            db.Add(new CommentAuditEntry { At = now, ActorId = admin.Id, Actor = admin.Name, Action = "banned", SubjectUserId = userId, Reason = reason });
            foreach (var c in await db.Set<Comment>().Where(c => c.AuthorId == userId && c.State == CommentState.Pending).ToListAsync(ct))
            {
                db.Add(Audit(admin, "trash", c, c.State, CommentState.Trash, "reader banned" + (reason is null ? "" : ": " + reason), now));
                c.State = CommentState.Trash;
                c.StateChangedAt = now;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        });
    }

    public async Task<bool> UnbanAsync(string userId, Actor admin, CancellationToken ct = default)
    {
        var ban = await db.Set<ReaderBan>().FirstOrDefaultAsync(b => b.UserId == userId, ct);
        if (ban is null) return false;
        db.Remove(ban);
        db.Add(new CommentAuditEntry { At = clock.GetUtcNow(), ActorId = admin.Id, Actor = admin.Name, Action = "unbanned", SubjectUserId = userId, Reason = ban.Reason is null ? null : "was banned for: " + ban.Reason });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task SaveRulesAsync(CommentRules rules, Actor admin, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Set<CommentRules>().FirstOrDefaultAsync(r => r.Id == 1, ct);
        rules.Id = 1;
        rules.UpdatedAt = now;
        if (existing is null) db.Add(rules);
        else db.Entry(existing).CurrentValues.SetValues(rules);
        db.Add(new CommentAuditEntry { At = now, ActorId = admin.Id, Actor = admin.Name, Action = "rules-changed",
            Reason = $"first-comment hold {(rules.HoldFirstComment ? "on" : "off")}, max links {rules.MaxLinks}, {CommentRules.Lines(rules.ModerationWords).Count()} moderation / {CommentRules.Lines(rules.BlockWords).Count()} block words, flood {rules.MinSecondsBetweenComments}s / {rules.MaxCommentsPerHour} per hour / {rules.MaxCommentsPerHourPerIp} per IP, edit {rules.EditWindowMinutes} min, trash {rules.TrashRetentionDays} days" });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Deletes comments trashed longer than the retention period, writing a "purged" audit entry (with the text's
    /// excerpt) for each in the same transaction. Comments that still have replies stay until their replies go.
    /// </summary>
    public async Task<int> PurgeTrashAsync(CancellationToken ct = default)
    {
        var rules = await RulesAsync(ct);
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-rules.TrashRetentionDays);
        var strategy = db.Database.CreateExecutionStrategy();
        var purged = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var old = await db.Set<Comment>()
                .FromSql($"SELECT * FROM comments WHERE state = 'Trash' AND state_changed_at < {cutoff} ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED")
                .Where(c => !db.Set<Comment>().Any(r => r.ParentId == c.Id || r.ReplyToId == c.Id && r.State != CommentState.Trash))
                .ToListAsync(ct);
            var rule = Actor.Rule("trash retention");
            foreach (var c in old)
                db.Add(Audit(rule, "purged", c, CommentState.Trash, null,
                    $"in trash since {c.StateChangedAt:yyyy-MM-dd}, over {rules.TrashRetentionDays} days; text was: {CommentText.Excerpt(c.Body, 300)}", now));
            db.RemoveRange(old);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return old.Count;
        });
        if (purged > 0) log.LogInformation("Purged {Count} comments from trash", purged);
        return purged;
    }
}
