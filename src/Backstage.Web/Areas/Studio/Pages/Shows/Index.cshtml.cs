using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public IReadOnlyList<Show> Shows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Shows = await db.Shows.AsNoTracking().OrderByDescending(s => s.Date).ThenBy(s => s.Designer).ToListAsync(ct);
}
