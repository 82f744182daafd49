using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages;

[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class IndexModel(BackstageDbContext db, TimeProvider clock, IEnumerable<IReaderImages> images) : PageModel
{
    public const int PageSize = 12;
    public IReadOnlyList<Article> Articles { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public bool HasNext { get; private set; }
    public IReadOnlyDictionary<int, ReaderImage> Covers { get; private set; } = new Dictionary<int, ReaderImage>();

    public async Task OnGetAsync(int p = 1, CancellationToken ct = default)
    {
        PageNumber = Math.Max(1, p);
        var page = await db.Articles.AsNoTracking().Include(a => a.Author).Live(clock.GetUtcNow())
            .OrderByDescending(a => a.PublishAt).ThenByDescending(a => a.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        HasNext = page.Count > PageSize;
        Articles = page.Take(PageSize).ToList();
        foreach (var source in images) Covers = await source.ArticleCoversAsync(Articles, ct);
    }
}
