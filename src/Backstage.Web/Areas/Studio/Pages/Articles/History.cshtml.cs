using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Studio;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Articles;

/// <summary>
/// /studio/articles/{id}/history: every saved revision, newest first; "Compare" any two (DiffPlex, inline or side by
/// side, rendered on the server and HTML-encoded by Razor); "Restore" saves an older revision as a new one (the
/// article's optimistic concurrency still applies: a restore over a newer save than the one shown is refused).
/// </summary>
public sealed class HistoryModel(BackstageDbContext db, SiteTime time, PublicCache publicCache) : PageModel
{
    public Article Article { get; private set; } = null!;
    public IReadOnlyList<ArticleRevision> Revisions { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public long? From { get; set; }
    [BindProperty(SupportsGet = true)] public long? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? View { get; set; }
    public ArticleRevision? Left { get; private set; }
    public ArticleRevision? Right { get; private set; }
    public IReadOnlyList<(string Field, DiffPaneModel Inline, SideBySideDiffModel Sides)> Diffs { get; private set; } = [];
    public SiteTime Time => time;

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return false;
        Article = article;
        Revisions = await db.Set<ArticleRevision>().AsNoTracking().Where(r => r.ArticleId == id).OrderByDescending(r => r.Id).ToListAsync(ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (From is null || To is null) return Page();
        (Left, Right) = (Revisions.FirstOrDefault(r => r.Id == From), Revisions.FirstOrDefault(r => r.Id == To));
        if (Left is null || Right is null) return NotFound();
        if (Left.Id > Right.Id) (Left, Right) = (Right, Left);
        Diffs = new (string, string?, string?)[]
        {
            ("Title", Left.Title, Right.Title), ("Summary", Left.Standfirst, Right.Standfirst), ("Body", Left.Body, Right.Body),
            ("Schedule", Describe(Left), Describe(Right)),
        }.Select(d => (d.Item1, InlineDiffBuilder.Diff(d.Item2 ?? "", d.Item3 ?? ""), SideBySideDiffBuilder.Diff(d.Item2 ?? "", d.Item3 ?? ""))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostRestoreAsync(int id, long revision, uint version, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return NotFound();
        var old = await db.Set<ArticleRevision>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == revision && r.ArticleId == id, ct);
        if (old is null) return NotFound();
        db.Entry(article).Property(a => a.Version).OriginalValue = version;
        // Text only: the article's state and schedule stay as they are (publishing has its own gate and buttons).
        (article.Title, article.Standfirst, article.Body, article.UpdatedAt) = (old.Title, old.Standfirst, old.Body, time.Now);
        var actor = Actor.From(User);
        await ArticleEmbeds.RecordAsync(db, article, ct);
        var number = await db.Set<ArticleRevision>().CountAsync(r => r.ArticleId == id && r.Id <= old.Id, ct);
        db.Add(ArticleRevision.Of(article, actor.Id, actor.Name, time.Now, $"Restored revision {number}"));
        StudioLog.Record(db, actor, time.Now, StudioActions.Restore, "article", article.Id, article.Title, $"revision {number} of {time.Format(old.At)}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            TempData["Flash"] = "Someone saved this article after you opened its history: nothing was restored. Look at the newest revision and try again.";
            return RedirectToPage(new { id });
        }
        await publicCache.InvalidateAsync(ct);
        TempData["Flash"] = $"Restored revision {number} as a new revision.";
        return RedirectToPage("/Articles/Edit", new { id });
    }

    private string Describe(ArticleRevision r) => r.Status switch
    {
        ArticleStatus.Draft => "Draft",
        ArticleStatus.Scheduled => $"Scheduled for {time.Format(r.PublishAt)} ({time.ZoneName})",
        _ => $"Published {time.Format(r.PublishAt)} ({time.ZoneName})",
    };
}
