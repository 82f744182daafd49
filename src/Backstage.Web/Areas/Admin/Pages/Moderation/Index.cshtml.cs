using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Admin.Pages.Moderation;

/// <summary>
/// The moderation queue (/moderation): pending and reported comments with their article and context, newest first.
/// One form holds the whole table, so bulk selection works without JavaScript: each decision has its own handler
/// (Approve, Spam, Trash, Restore); a row's own button posts its comment's id, a bulk button the ticked ids.
/// </summary>
public sealed class IndexModel(BackstageDbContext db, CommentModeration comments) : PageModel
{
    public const string Queue = "queue";
    public static readonly string[] Filters = [Queue, "pending", "reported", "approved", "spam", "trash", "all"];

    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public int? Article { get; set; }
    [BindProperty(SupportsGet = true)] public string? Reader { get; set; }
    /// <summary>"Select all" without JavaScript: the page comes back with every box ticked (moderation.js ticks in place).</summary>
    [BindProperty(SupportsGet = true)] public bool SelectAll { get; set; }

    public sealed record Report(string Reporter, string? Reason, DateTimeOffset At);
    public sealed record Row(Comment Comment, string ArticleTitle, string ArticleSlug, string AuthorName, string AuthorEmail,
        bool AuthorBanned, string? ParentAuthor, string? ParentExcerpt, IReadOnlyList<Report> Reports);
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<(int Id, string Title)> Articles { get; private set; } = [];
    public string? ReaderLabel { get; private set; }
    public bool ReaderBanned { get; private set; }
    public string Filter => Filters.Contains(State) ? State! : Queue;

    private Actor Me => Actor.From(User);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    // One handler per button. A row's button posts its comment's id (id); the bulk buttons post the ticked ones (ids).
    public Task<IActionResult> OnPostApproveAsync(long? id, long[]? ids, string? reason, CancellationToken ct) =>
        ModerateAsync(ModerationDecision.Approve, id, ids, reason, "Approved", ct);

    public Task<IActionResult> OnPostSpamAsync(long? id, long[]? ids, string? reason, CancellationToken ct) =>
        ModerateAsync(ModerationDecision.Spam, id, ids, reason, "Marked as spam", ct);

    public Task<IActionResult> OnPostTrashAsync(long? id, long[]? ids, string? reason, CancellationToken ct) =>
        ModerateAsync(ModerationDecision.Trash, id, ids, reason, "Moved to trash", ct);

    public Task<IActionResult> OnPostRestoreAsync(long? id, long[]? ids, string? reason, CancellationToken ct) =>
        ModerateAsync(ModerationDecision.Restore, id, ids, reason, "Restored to pending", ct);

    /// <summary>A post without a decision (no handler) changes nothing.</summary>
    public IActionResult OnPost() => BadRequest();

    private async Task<IActionResult> ModerateAsync(ModerationDecision decision, long? id, long[]? ids, string? reason, string done, CancellationToken ct)
    {
        IReadOnlyCollection<long> targets = id is { } one ? [one] : ids ?? [];
        if (targets.Count == 0)
        {
            TempData["Flash"] = "Tick at least one comment first.";
            return RedirectToPage(new { State, Article, Reader });
        }
        var n = (await comments.ModerateAsync(targets, decision, Me, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), ct)).Changed;
        TempData["Flash"] = n == 0 ? "Nothing changed." : $"{done}: {n} comment{(n == 1 ? "" : "s")}.";
        return RedirectToPage(new { State, Article, Reader });
    }

    public async Task<IActionResult> OnPostBanAsync(string userId, string? reason, CancellationToken ct)
    {
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (email is null) return NotFound();
        TempData["Flash"] = (await comments.BanAsync(userId, Me, reason, ct)).Ok
            ? $"{email} is banned from commenting; their pending comments went to trash."
            : $"{email} could not be banned (already banned, or it is you).";
        return RedirectToPage(new { State, Article, Reader });
    }

    public async Task<IActionResult> OnPostUnbanAsync(string userId, CancellationToken ct)
    {
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (email is null) return NotFound();
        TempData["Flash"] = (await comments.UnbanAsync(userId, Me, ct)).Ok ? $"{email} may comment again." : $"{email} was not banned.";
        return RedirectToPage(new { State, Article, Reader });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var q = db.Set<Comment>().AsNoTracking();
        q = Filter switch
        {
            "pending" => q.Where(c => c.State == CommentState.Pending),
            "reported" => q.Where(c => c.OpenReports > 0),
            "approved" => q.Where(c => c.State == CommentState.Approved),
            "spam" => q.Where(c => c.State == CommentState.Spam),
            "trash" => q.Where(c => c.State == CommentState.Trash),
            "all" => q,
            _ => q.Where(c => c.State == CommentState.Pending || (c.OpenReports > 0 && c.State == CommentState.Approved)),
        };
        if (Article is { } a) q = q.Where(c => c.ArticleId == a);
        if (!string.IsNullOrEmpty(Reader)) q = q.Where(c => c.AuthorId == Reader);
        var rows = await q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(200)
            .Select(c => new
            {
                Comment = c, c.Article!.Title, c.Article.Slug, c.Author!.DisplayName, c.Author.Email,
                Banned = db.Set<ReaderBan>().Any(b => b.UserId == c.AuthorId),
                Parent = db.Set<Comment>().Where(p => p.Id == c.ReplyToId).Select(p => new { p.Author!.DisplayName, p.Body }).FirstOrDefault(),
            }).ToListAsync(ct);
        var ids = rows.Select(r => r.Comment.Id).ToList();
        var reports = (await db.Set<CommentReport>().AsNoTracking().Where(r => ids.Contains(r.CommentId) && r.ResolvedAt == null)
                .Join(db.Users, r => r.ReporterId, u => u.Id, (r, u) => new { r.CommentId, u.Email, r.Reason, r.CreatedAt }).ToListAsync(ct))
            .ToLookup(r => r.CommentId, r => new Report(r.Email ?? "?", r.Reason, r.CreatedAt));
        Rows = rows.Select(r => new Row(r.Comment, r.Title, r.Slug, r.DisplayName, r.Email ?? "", r.Banned, r.Parent?.DisplayName,
            r.Parent is null ? null : CommentText.Excerpt(r.Parent.Body, 100), reports[r.Comment.Id].ToList())).ToList();
        Articles = (await db.Articles.AsNoTracking().Where(x => db.Set<Comment>().Any(c => c.ArticleId == x.Id))
            .OrderByDescending(x => x.PublishAt).Take(100).Select(x => new { x.Id, x.Title }).ToListAsync(ct))
            .Select(x => (x.Id, x.Title)).ToList();
        if (!string.IsNullOrEmpty(Reader))
        {
            ReaderLabel = await db.Users.Where(u => u.Id == Reader).Select(u => u.DisplayName + " <" + u.Email + ">").FirstOrDefaultAsync(ct);
            ReaderBanned = await db.IsBannedAsync(Reader, ct);
        }
    }
}
