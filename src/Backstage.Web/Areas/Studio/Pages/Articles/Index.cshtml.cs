using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Articles;

public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public IReadOnlyList<Article> Articles { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Articles = await db.Articles.AsNoTracking().Include(a => a.Author)
            .OrderByDescending(a => a.UpdatedAt).ToListAsync(ct);
}
