using Backstage.Web.Data;
using Backstage.Web.Studio;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Admin.Pages.StudioLog;

/// <summary>The append-only studio log (/admin/studio-log): publishing, takedowns, restores, deletes, bulk credits. Read-only.</summary>
public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public const int PageSize = 100;
    public static readonly string[] Kinds = ["article", "show", "photo", "newsletter"];

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    /// <summary>Who did it: a name or email, or part of one ("system" for scheduled go-lives).</summary>
    [BindProperty(SupportsGet = true)] public string? Who { get; set; }
    /// <summary>Keyset paging: entries older than this id.</summary>
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public IReadOnlyList<StudioAuditEntry> Rows { get; private set; } = [];
    public long? NextBefore { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var q = db.Set<StudioAuditEntry>().AsNoTracking();
        if (!string.IsNullOrEmpty(Action)) q = q.Where(a => a.Action == Action);
        if (!string.IsNullOrEmpty(Kind)) q = q.Where(a => a.SubjectKind == Kind);
        if (!string.IsNullOrWhiteSpace(Who)) q = q.Where(a => a.Actor.Contains(Who.Trim()));
        if (Before is { } b) q = q.Where(a => a.Id < b);
        var rows = await q.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(ct);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            NextBefore = rows[^1].Id;
        }
        Rows = rows;
    }
}
