using Backstage.Web.Accounts;
using Backstage.Web.Articles;

namespace Backstage.Web.Comments;

/// <summary>Pending → Approved | Spam | Trash; trash is purged after the retention period (with an audit entry).</summary>
public enum CommentState { Pending = 0, Approved = 1, Spam = 2, Trash = 3 }

/// <summary>A reader's comment under an article; replies are one level deep (ParentId is always a top-level comment).</summary>
public sealed class Comment
{
    public const int MaxLength = 5000;

    public long Id { get; set; }
    public int ArticleId { get; set; }
    public Article? Article { get; set; }
    public string AuthorId { get; set; } = "";
    public AppUser? Author { get; set; }
    /// <summary>The thread's top-level comment (null for top-level comments).</summary>
    public long? ParentId { get; set; }
    /// <summary>The comment actually answered (the parent or a reply in its thread), for "in reply to …".</summary>
    public long? ReplyToId { get; set; }
    /// <summary>Plain text as typed (line breaks kept); rendered encoded with http(s) URLs autolinked.</summary>
    public string Body { get; set; } = "";
    public CommentState State { get; set; }
    /// <summary>
    /// A photo of a public gallery the comment is about, linked as /photos/{id} (which finds its current page); the
    /// label ("#12 at Gucci") is how the gallery numbered it when the comment was written. If the photo is deleted the
    /// id is cleared and the label stays, unlinked.
    /// </summary>
    public int? PhotoId { get; set; }
    public string? PhotoLabel { get; set; }
    /// <summary>HMAC of the poster's IP address (never the address itself), for the per-IP flood rule.</summary>
    public string? IpHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }
    /// <summary>Reports not yet dealt with by a moderator (kept in step with comment_reports).</summary>
    public int OpenReports { get; set; }
}

/// <summary>A reader's report of a comment; one per reader and comment.</summary>
public sealed class CommentReport
{
    public long Id { get; set; }
    public long CommentId { get; set; }
    public string ReporterId { get; set; } = "";
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Set when a moderator acts on the comment.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>
/// One moderation event, by a person (ActorId set) or by a rule (ActorId null, Actor "rule: …"). The table is
/// append-only: a database trigger refuses UPDATE and DELETE, so nothing leaves it. CommentId has no foreign key on
/// purpose: entries outlive purged comments.
/// </summary>
public sealed class CommentAuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string? ActorId { get; set; }
    /// <summary>Who, readable: an email, or "rule: first comment" for automatic actions.</summary>
    public string Actor { get; set; } = "";
    /// <summary>posted, approved, spam, trash, restored, edited, deleted, reported, purged, banned, unbanned, rules-changed.</summary>
    public string Action { get; set; } = "";
    public long? CommentId { get; set; }
    public int? ArticleId { get; set; }
    /// <summary>The reader the action concerns (the comment's author, or the banned reader).</summary>
    public string? SubjectUserId { get; set; }
    public CommentState? FromState { get; set; }
    public CommentState? ToState { get; set; }
    public string? Reason { get; set; }

    public static CommentAuditEntry For(Actor actor, string action, Comment c, CommentState? from, CommentState? to, string? reason, DateTimeOffset at) => new()
    {
        At = at, ActorId = actor.Id, Actor = actor.Name, Action = action, CommentId = c.Id, ArticleId = c.ArticleId,
        SubjectUserId = c.AuthorId, FromState = from, ToState = to, Reason = reason,
    };
}
