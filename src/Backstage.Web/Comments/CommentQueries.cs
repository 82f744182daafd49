using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

/// <summary>One comment as a reader sees it.</summary>
public sealed record CommentView(
    Comment Comment, string AuthorName, string? ReplyToName, bool IsMine, bool CanEdit, bool CanReply, bool CanReport, string ArticleSlug)
{
    public List<CommentView> Replies { get; } = [];
    /// <summary>A stand-in for a parent that is no longer visible but has visible replies.</summary>
    public bool Removed { get; init; }
    /// <summary>Held (pending, or quietly spam): only its author sees it, marked "awaiting moderation".</summary>
    public bool AwaitingModeration => Comment.State is CommentState.Pending or CommentState.Spam;
    public string Anchor => "comment-" + Comment.Id;
    /// <summary>"Editor" or "Admin" for staff (shown as a badge next to the name, so a look-alike name cannot pass as staff); null for readers.</summary>
    public string? StaffRole { get; init; }
}

/// <summary>The comment form's fields (the article page and /comments/write share it).</summary>
public sealed class CommentForm
{
    public int ArticleId { get; set; }
    public string ArticleSlug { get; set; } = "";
    public long? ReplyToId { get; set; }
    public string? ReplyToName { get; set; }
    public int? PhotoId { get; set; }
    public string? PhotoLabel { get; set; }
    /// <summary>The hold-first-comment rule applies to this reader: the form says a moderator reads it first.</summary>
    public bool FirstCommentHeld { get; set; }
    public string Body { get; set; } = "";
    public string? Error { get; set; }
}

public sealed record ArticleComments(
    int ArticleId, string ArticleSlug, IReadOnlyList<CommentView> Threads, int Count, bool SignedIn, bool Banned, CommentForm Form);

public sealed class CommentQueries(BackstageDbContext db, TimeProvider clock)
{
    /// <summary>Approved comments for everyone, plus the viewer's own held ones; replies grouped under their thread.</summary>
    public async Task<IReadOnlyList<CommentView>> ThreadsAsync(int articleId, string articleSlug, string? viewerId, CancellationToken ct = default)
    {
        var rules = await db.Set<CommentRules>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == 1, ct) ?? new CommentRules();
        var now = clock.GetUtcNow();
        var rows = await db.Set<Comment>().AsNoTracking()
            .Where(c => c.ArticleId == articleId && (c.State == CommentState.Approved
                || (viewerId != null && c.AuthorId == viewerId && (c.State == CommentState.Pending || c.State == CommentState.Spam))))
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new
            {
                Comment = c, Name = c.Author!.DisplayName,
                Role = db.UserRoles.Where(ur => ur.UserId == c.AuthorId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name)
                    .FirstOrDefault(r => r == Accounts.Roles.Admin || r == Accounts.Roles.Editor),
            })
            .Take(2000)
            .ToListAsync(ct);
        var names = rows.ToDictionary(r => r.Comment.Id, r => r.Name);
        var views = rows.Select(r =>
        {
            var mine = viewerId is not null && r.Comment.AuthorId == viewerId;
            return new CommentView(r.Comment, string.IsNullOrWhiteSpace(r.Name) ? "Reader" : r.Name,
                r.Comment.ReplyToId is { } to && names.TryGetValue(to, out var n) ? n : null,
                mine, mine && now <= r.Comment.CreatedAt.AddMinutes(rules.EditWindowMinutes),
                viewerId is not null && r.Comment.State == CommentState.Approved,
                viewerId is not null && !mine && r.Comment.State == CommentState.Approved, articleSlug) { StaffRole = r.Role };
        }).ToList();
        var byId = views.ToDictionary(v => v.Comment.Id);
        var threads = new List<CommentView>();
        foreach (var v in views)
        {
            if (v.Comment.ParentId is not { } pid) { threads.Add(v); continue; }
            if (!byId.TryGetValue(pid, out var parent))
            {
                parent = new CommentView(new Comment { Id = pid, ArticleId = articleId, CreatedAt = v.Comment.CreatedAt }, "", null, false, false, false, false, articleSlug) { Removed = true };
                byId[pid] = parent;
                threads.Add(parent);
            }
            parent.Replies.Add(v);
        }
        return threads;
    }

    public Task<int> PendingCountAsync(CancellationToken ct = default) =>
        db.Set<Comment>().CountAsync(c => c.State == CommentState.Pending || (c.OpenReports > 0 && c.State == CommentState.Approved), ct);
}
