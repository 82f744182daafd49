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
public sealed class IndexModel(BackstageDbContext db, PhotoCatalog photos, TimeProvider clock) : PageModel
{
    public IReadOnlyList<IGrouping<string, Show>> Groups { get; private set; } = [];
    public IReadOnlyDictionary<int, ReaderImage> Covers { get; private set; } = new Dictionary<int, ReaderImage>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Where(Galleries.GalleryVisibility.ShowLive(clock.GetUtcNow())).OrderByDescending(s => s.Date).ThenBy(s => s.Designer).ToListAsync(ct);
        Groups = shows.GroupBy(s => $"{s.Season} · {s.City}").ToList();
        Covers = (await photos.ShowCoversAsync(shows.Select(s => s.Id).ToList(), ct))
            .Select(c => (c.Key, Image: photos.CoverImage(c.Value))).Where(c => c.Image is not null)
            .ToDictionary(c => c.Key, c => c.Image!);
    }
}
