using Backstage.Web.Comments;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Admin.Pages.Audit;

/// <summary>The append-only moderation audit log (/admin/audit), newest first, filterable. Read-only: no handlers.</summary>
public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public const int PageSize = 100;
    public static readonly string[] Actions =
        ["posted", "approved", "spam", "trash", "restored", "reports-dismissed", "edited", "deleted", "reported", "purged", "banned", "unbanned", "rules-changed", Users.IndexModel.TwoFactorReset];

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    /// <summary>"rule" (automatic), "person", or empty for both.</summary>
    [BindProperty(SupportsGet = true)] public string? By { get; set; }
    [BindProperty(SupportsGet = true)] public long? Comment { get; set; }
    /// <summary>The reader concerned: an email or part of one.</summary>
    [BindProperty(SupportsGet = true)] public string? Reader { get; set; }
    /// <summary>Keyset paging: entries older than this id.</summary>
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public sealed record Row(CommentAuditEntry Entry, string? ReaderEmail);
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public long? NextBefore { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.Set<CommentAuditEntry>().AsNoTracking();
        if (!string.IsNullOrEmpty(Action)) q = q.Where(a => a.Action == Action);
        if (By == "rule") q = q.Where(a => a.ActorId == null);
        else if (By == "person") q = q.Where(a => a.ActorId != null);
        if (Comment is { } cid) q = q.Where(a => a.CommentId == cid);
        if (!string.IsNullOrWhiteSpace(Reader))
        {
            var term = Reader.Trim();
            var ids = db.Users.Where(u => u.Email!.Contains(term) || u.Id == term).Select(u => u.Id);
            q = q.Where(a => ids.Contains(a.SubjectUserId!) || (a.ActorId != null && ids.Contains(a.ActorId)));
        }
        if (Before is { } b) q = q.Where(a => a.Id < b);
        var rows = await q.OrderByDescending(a => a.Id).Take(PageSize + 1)
            .Select(a => new { Entry = a, Email = db.Users.Where(u => u.Id == a.SubjectUserId).Select(u => u.Email).FirstOrDefault() })
            .ToListAsync(ct);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            NextBefore = rows[^1].Entry.Id;
        }
        Rows = rows.Select(r => new Row(r.Entry, r.Email)).ToList();
    }
}
