using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Reader;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages;

[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class IndexModel(BackstageDbContext db, TimeProvider clock, IEnumerable<IReaderImages> images) : PageModel
{
    public const int PageSize = 12;
    /// <summary>Far beyond any real archive, and small enough that the OFFSET cannot overflow.</summary>
    public const int MaxPage = 100_000;
    public IReadOnlyList<Article> Articles { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public bool HasNext { get; private set; }
    public IReadOnlyDictionary<int, ReaderImage> Covers { get; private set; } = new Dictionary<int, ReaderImage>();
    /// <summary>Live shows under live coverage now ("Live now" at the top of the first page).</summary>
    public IReadOnlyList<Backstage.Web.Shows.Show> LiveNow { get; private set; } = [];

    /// <summary>A page number out of range answers 400 (see BadInputFilter); a page past the last story, 404.</summary>
    public async Task<IActionResult> OnGetAsync([Range(1, MaxPage)] int p = 1, CancellationToken ct = default)
    {
        PageNumber = p;
        var page = await db.Articles.AsNoTracking().Include(a => a.Author).Live(clock.GetUtcNow())
            .OrderByDescending(a => a.PublishAt).ThenByDescending(a => a.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        HasNext = page.Count > PageSize;
        Articles = page.Take(PageSize).ToList();
        if (Articles.Count == 0 && PageNumber > 1) return NotFound();
        foreach (var source in images) Covers = await source.ArticleCoversAsync(Articles, ct);
        if (PageNumber == 1)
            LiveNow = await db.Shows.AsNoTracking().Where(Galleries.GalleryVisibility.ShowLive(clock.GetUtcNow()))
                .Where(s => s.LiveCoverageStartedAt != null && s.LiveCoverageEndedAt == null)
                .OrderByDescending(s => s.LiveCoverageStartedAt).ToListAsync(ct);
        return Page();
    }
}
