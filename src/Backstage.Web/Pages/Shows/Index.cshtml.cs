using Backstage.Web.Data;
using Backstage.Web.Shows;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Shows;

[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public IReadOnlyList<IGrouping<string, Show>> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().OrderByDescending(s => s.Date).ThenBy(s => s.Designer).ToListAsync(ct);
        Groups = shows.GroupBy(s => $"{s.Season} · {s.City}").ToList();
    }
}
