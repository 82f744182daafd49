using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages;

public sealed class IndexModel(BackstageDbContext db, TimeProvider clock) : PageModel
{
    public int Drafts { get; private set; }
    public int Scheduled { get; private set; }
    public int Published { get; private set; }
    public int Shows { get; private set; }
    /// <summary>Photo licences ending in the next 7 days.</summary>
    public int ExpiringThisWeek { get; private set; }
    public IReadOnlyList<Article> Recent { get; private set; } = [];
    /// <summary>The shows the desk is covering now ("At Dior — live coverage, 212 published, 38 to caption").</summary>
    public IReadOnlyList<LiveShow> Live { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Drafts = await db.Articles.CountAsync(a => a.Status == ArticleStatus.Draft, ct);
        Scheduled = await db.Articles.CountAsync(a => a.Status != ArticleStatus.Draft && a.PublishAt > now, ct);
        Published = await db.Articles.Live(now).CountAsync(ct);
        Shows = await db.Shows.CountAsync(ct);
        Live = await LiveCoverage.NowAsync(db, ct);
        ExpiringThisWeek = await db.Set<Galleries.Photo>().CountAsync(p => p.TakenDownAt == null && p.ValidUntil >= now && p.ValidUntil < now.AddDays(7), ct);
        Recent = await db.Articles.AsNoTracking().OrderByDescending(a => a.UpdatedAt).Take(8).ToListAsync(ct);
    }
}
