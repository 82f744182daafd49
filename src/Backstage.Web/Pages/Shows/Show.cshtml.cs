using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Shows;

[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class ShowModel(BackstageDbContext db, IGalleryEmbedRenderer galleries, SiteUrls urls) : PageModel
{
    public Show Show { get; private set; } = null!;
    public string GalleryHtml { get; private set; } = "";
    public PageMeta Meta { get; private set; } = null!;
    public ShareLinks Share { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (show is null) return NotFound();
        Show = show;
        GalleryHtml = (await galleries.RenderAsync([slug], ct)).GetValueOrDefault(slug, "");
        Meta = ReaderMeta.ForShow(show, urls, null, []);
        Share = new ShareLinks(urls.Absolute($"/shows/{show.Slug}"), $"{show.Title}, {show.Season}");
        return Page();
    }
}
