using System.IO.Compression;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Privacy;

public enum DeleteOutcome { Deleted, NotFound, Staff }

/// <summary>
/// A reader's own data (GDPR articles 15, 17 and 20): "Download my data" as a ZIP of JSON, and "Delete my account".
/// Deleting keeps the account row as a tombstone under its random id, which is the pseudonym: email, user name,
/// password, 2FA secrets, roles, logins, claims, subscriptions, mail and throttle rows go; comments stay in their threads
/// as "a former reader" (their text removed unless Backstage:Privacy:KeepDeletedReadersCommentText), and the append-only
/// moderation audit keeps every row, the id included, with the readable actor rewritten to "a former reader" — the
/// one UPDATE its trigger allows (<see cref="PrivacySql"/>).
/// </summary>
public sealed class ReaderData(BackstageDbContext db, UserManager<AppUser> users, Throttle throttle, IOptions<PrivacyOptions> options, TimeProvider clock)
{
    public const string FormerReader = "a former reader";
    public const string RemovedText = "[removed: its author deleted their account]";
    public const string Exported = "data-exported";
    public const string AccountDeleted = "account-deleted";
    public const string SubscriptionDeleted = "subscription-deleted";

    /// <summary>The throttles counted per email address (the per-IP and per-device ones name no reader).</summary>
    private static readonly ThrottleRule[] EmailRules = [ThrottleRule.SignInPerAccount, ThrottleRule.MailPerAccount, ThrottleRule.AlreadyRegisteredPerAccount];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The ZIP of an account's data; null for an unknown id. <paramref name="by"/> set: an admin's export, logged.</summary>
    public async Task<byte[]?> ExportAccountAsync(string userId, Actor? by, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user?.Email is null) return null;
        var email = Subscriptions.Normalise(user.Email);
        var roles = await users.GetRolesAsync(user);
        var comments = await db.Set<Comment>().AsNoTracking().Where(c => c.AuthorId == userId).OrderBy(c => c.CreatedAt)
            .Select(c => new
            {
                c.Id, Article = c.Article!.Slug, ArticleTitle = c.Article.Title, c.ParentId, c.ReplyToId, c.PhotoLabel,
                State = c.State.ToString(), c.Body, c.CreatedAt, c.EditedAt, c.StateChangedAt,
            }).ToListAsync(ct);
        var reports = await db.Set<CommentReport>().AsNoTracking().Where(r => r.ReporterId == userId).OrderBy(r => r.CreatedAt)
            .Select(r => new { r.CommentId, r.Reason, r.CreatedAt, r.ResolvedAt }).ToListAsync(ct);
        var signInLinks = await db.Set<SignInLink>().AsNoTracking().Where(l => l.UserId == userId).OrderBy(l => l.ExpiresAt)
            .Select(l => new { l.TokenHash, l.ExpiresAt, l.UsedAt }).ToListAsync(ct);
        var ban = await db.Set<ReaderBan>().AsNoTracking().Where(b => b.UserId == userId).Select(b => new { b.At, b.Reason }).SingleOrDefaultAsync(ct);
        var files = new Dictionary<string, object?>
        {
            ["account.json"] = new
            {
                user.Id, user.Email, user.EmailConfirmed, user.UserName, user.DisplayName, user.CreatedAt, Roles = roles,
                TwoFactorEnabled = user.TwoFactorEnabled, HasPassword = user.PasswordHash is not null, user.LockoutEnd, Banned = ban,
            },
            ["comments.json"] = new { Comments = comments, ReportsYouMade = reports },
            ["newsletter.json"] = await NewsletterAsync(s => s.Email == email || s.UserId == userId, ct),
            ["sign-in-history.json"] = new
            {
                Note = "Rows kept for sign-in and mail throttles, as stored: the key is a keyed hash of your address, never the address itself.",
                Throttles = await ThrottleRowsAsync(email, ct), SignInLinks = signInLinks,
            },
            ["notification-settings.json"] = new { EmailMeWhenSomeoneReplies = user.NotifyReplies, DailyModerationDigest = user.ModerationDigest, ExpiringLicencesDigest = user.RightsDigest },
        };
        if (by is not null) await LogAsync(by, Exported, userId, "data exported by an admin", ct);
        return Zip(files);
    }

    /// <summary>A newsletter-only subscriber's data (the manage page); null for an unknown id.</summary>
    public async Task<byte[]?> ExportSubscriberAsync(long subscriberId, CancellationToken ct)
    {
        var s = await db.Set<Subscriber>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == subscriberId, ct);
        if (s is null) return null;
        return Zip(new Dictionary<string, object?>
        {
            ["newsletter.json"] = await NewsletterAsync(x => x.Id == subscriberId, ct),
            ["sign-in-history.json"] = new
            {
                Note = "Rows kept for the mail throttles, as stored: the key is a keyed hash of your address, never the address itself.",
                Throttles = await ThrottleRowsAsync(s.Email, ct),
            },
        });
    }

    /// <summary>Deletes a reader's account (see the class). Staff accounts are refused: make them a reader first.</summary>
    public async Task<DeleteOutcome> DeleteAccountAsync(string userId, Actor by, CancellationToken ct)
    {
        var keepText = options.Value.KeepDeletedReadersCommentText;
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async () =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
            if (user?.Email is null) return DeleteOutcome.NotFound;
            if ((await users.GetRolesAsync(user)).Any(r => Roles.Staff.Contains(r))) return DeleteOutcome.Staff;
            var email = Subscriptions.Normalise(user.Email);

            if (!keepText)
                await db.Set<Comment>().Where(c => c.AuthorId == userId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Body, RemovedText), ct);
            // The audit keeps every row and its ids; only the readable name (the address) and reasons naming it change.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE comment_audit SET actor = {FormerReader} WHERE (actor_id = {userId} OR lower(actor) = {email}) AND actor <> {FormerReader};
                UPDATE comment_audit SET reason = {PrivacySql.RemovedReason} WHERE strpos(lower(reason), {email}) > 0;
                UPDATE reader_bans SET reason = NULL WHERE strpos(lower(reason), {email}) > 0;
                DELETE FROM newsletter_subscribers WHERE email = {email} OR user_id = {userId};
                DELETE FROM outgoing_emails WHERE lower(to_address) = {email};
                DELETE FROM sign_in_links WHERE user_id = {userId};
                """, ct);
            // Two-factor secrets (authenticator key, recovery codes), external logins, claims and roles.
            await db.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserLogins.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserClaims.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserRoles.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            foreach (var rule in EmailRules) await throttle.ClearAsync(rule, email, ct);
            var tombstone = "former-reader-" + userId;
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u
                .SetProperty(x => x.Email, (string?)null).SetProperty(x => x.NormalizedEmail, (string?)null).SetProperty(x => x.EmailConfirmed, false)
                .SetProperty(x => x.UserName, tombstone).SetProperty(x => x.NormalizedUserName, tombstone.ToUpperInvariant())
                .SetProperty(x => x.PasswordHash, (string?)null).SetProperty(x => x.PhoneNumber, (string?)null).SetProperty(x => x.PhoneNumberConfirmed, false)
                .SetProperty(x => x.TwoFactorEnabled, false).SetProperty(x => x.LockoutEnabled, true).SetProperty(x => x.LockoutEnd, DateTimeOffset.MaxValue)
                .SetProperty(x => x.AccessFailedCount, 0)
                // A new stamp ends every session on every node at its next request.
                .SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString("N")).SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString())
                .SetProperty(x => x.DisplayName, FormerReader).SetProperty(x => x.NotifyReplies, false).SetProperty(x => x.ModerationDigest, false).SetProperty(x => x.RightsDigest, false), ct);
            var self = by.Id == userId;
            db.Add(new CommentAuditEntry
            {
                At = now, ActorId = by.Id, Actor = self ? FormerReader : by.Name, Action = AccountDeleted, SubjectUserId = userId,
                Reason = (self ? "deleted by the reader" : "deleted by an admin") + (keepText ? ", comment text kept" : ", comment text removed"),
            });
            await db.SaveChangesAsync(ct);
            return DeleteOutcome.Deleted;
        }, ct);
    }

    /// <summary>Deletes a newsletter subscriber (lists and deliveries with it) and the mail and throttle rows of its address.</summary>
    public async Task<bool> DeleteSubscriberAsync(long subscriberId, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            var s = await db.Set<Subscriber>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == subscriberId, ct);
            if (s is null) return false;
            await db.Set<Subscriber>().Where(x => x.Id == subscriberId).ExecuteDeleteAsync(ct);
            // Mail to the address stays if it still has an account (that account's own mail, e.g. a password reset).
            if (!await db.Users.AnyAsync(u => u.NormalizedEmail == s.Email.ToUpperInvariant(), ct))
            {
                await db.Set<OutgoingEmail>().Where(m => m.ToAddress.ToLower() == s.Email).ExecuteDeleteAsync(ct);
                foreach (var rule in EmailRules) await throttle.ClearAsync(rule, s.Email, ct);
            }
            return true;
        }, ct);

    private async Task<object> NewsletterAsync(System.Linq.Expressions.Expression<Func<Subscriber, bool>> which, CancellationToken ct)
    {
        var subscribers = await db.Set<Subscriber>().AsNoTracking().Where(which).ToListAsync(ct);
        var ids = subscribers.Select(s => s.Id).ToList();
        var lists = await db.Set<NewsletterSubscription>().AsNoTracking().Where(x => ids.Contains(x.SubscriberId))
            .Join(db.Set<NewsletterList>(), x => x.ListId, l => l.Id, (x, l) => new { x.SubscriberId, List = l.Name, Joined = x.CreatedAt }).ToListAsync(ct);
        var deliveries = await db.Set<NewsletterDelivery>().AsNoTracking().Where(d => ids.Contains(d.SubscriberId))
            .Select(d => new { d.SubscriberId, d.IssueId, State = d.State.ToString(), d.SentAt }).ToListAsync(ct);
        return new
        {
            Subscriptions = subscribers.Select(s => new
            {
                s.Email, State = s.State.ToString(), s.CreatedAt, s.ConfirmedAt, s.StateChangedAt, s.BounceCount,
                Lists = lists.Where(l => l.SubscriberId == s.Id).Select(l => new { l.List, l.Joined }),
                IssuesSent = deliveries.Where(d => d.SubscriberId == s.Id).Select(d => new { d.IssueId, d.State, d.SentAt }),
            }),
        };
    }

    private async Task<List<object>> ThrottleRowsAsync(string email, CancellationToken ct)
    {
        var rows = new List<object>();
        foreach (var rule in EmailRules)
            rows.AddRange((await throttle.EventsAsync(rule, email, ct)).Select(e => (object)new { e.Key, e.At }));
        return rows;
    }

    private async Task LogAsync(Actor by, string action, string subjectUserId, string reason, CancellationToken ct)
    {
        db.Add(new CommentAuditEntry { At = clock.GetUtcNow(), ActorId = by.Id, Actor = by.Name, Action = action, SubjectUserId = subjectUserId, Reason = reason });
        await db.SaveChangesAsync(ct);
    }

    private static byte[] Zip(Dictionary<string, object?> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in files)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                JsonSerializer.Serialize(entry, content, Json);
            }
        return buffer.ToArray();
    }
}
