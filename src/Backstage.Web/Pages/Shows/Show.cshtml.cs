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
public sealed class ShowModel(BackstageDbContext db, IGalleryEmbedRenderer galleries, SiteUrls urls, PhotoCatalog photos, Galleries.MediaUrls media) : PageModel
{
    public Show Show { get; private set; } = null!;
    public string GalleryHtml { get; private set; } = "";
    public PageMeta Meta { get; private set; } = null!;
    public ShareLinks Share { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (show is null || !await photos.CanSeeAsync(show.Id, ct)) return NotFound();
        Show = show;
        Cluster.SurrogateKeys.Add(Response, Cluster.SurrogateKeys.Show(show.Id)); // a CDN purges it by key
        GalleryHtml = (await galleries.RenderAsync([slug], ct)).GetValueOrDefault(slug, "");
        var visible = await photos.PhotosAsync(show.Id, ct);
        // Deny wins: a "No social" photo is never the og:image nor a JSON-LD image; the first photo that may be shared stands in.
        var cover = visible.Count == 0 ? null : (await photos.ShowCoversAsync([show.Id], ct, Galleries.Surface.Social)).GetValueOrDefault(show.Id)
            ?? visible.FirstOrDefault(p => Galleries.Rights.Allows(p, Galleries.Surface.Social));
        var objects = visible.Where(p => Galleries.Rights.Allows(p, Galleries.Surface.Social)).Select(p => (p, Jpeg: media.Public(p).Jpeg(1920))).Where(x => x.Jpeg is not null)
            .Select(x => ReaderMeta.ImageObject(urls, x.Jpeg!.Url, Galleries.Photo.PageUrl(show.Slug, x.p.Position),
                x.p, x.Jpeg.Width, x.Jpeg.Height)).ToList();
        var shareImage = cover is null ? null : photos.ShareImage(cover);
        Meta = ReaderMeta.ForShow(show, urls, shareImage, objects);
        Share = new ShareLinks(urls.Absolute($"/shows/{show.Slug}"), $"{show.Title}, {show.Season}", shareImage is null ? null : urls.Absolute(shareImage.Url));
        return Page();
    }
}
