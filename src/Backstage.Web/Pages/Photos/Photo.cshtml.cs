using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Reader;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Photos;

/// <summary>
/// One photo's own page: shareable and indexable, with previous/next, caption, credit, the stories it appears in and
/// a way back to the gallery. The lightbox (lightbox.js) shows the same photo in place and puts this URL in the
/// address bar. 404 unless the photo is Ready and its gallery public.
/// </summary>
[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class PhotoModel(BackstageDbContext db, PhotoCatalog catalog, GalleryVisibility visibility, SiteUrls urls, MediaUrls media) : PageModel
{
    /// <summary>Staff may see photos readers cannot: their page fetches media from this site, never the CDN (which has no cookie, and could keep a 404 past go-live).</summary>
    public bool Preview { get; private set; }
    public Show Show { get; private set; } = null!;
    public Photo Photo { get; private set; } = null!;
    public int Index { get; private set; }
    public int Count { get; private set; }
    public int? PreviousPosition { get; private set; }
    public int? NextPosition { get; private set; }
    public IReadOnlyList<Article> Articles { get; private set; } = [];
    public PageMeta Meta { get; private set; } = null!;
    public ShareLinks Share { get; private set; } = null!;
    public string Title => string.IsNullOrWhiteSpace(Photo.Caption)
        ? $"{Show.Title}, {Show.Season}: photo {Index} of {Count}"
        : Photo.Caption.Trim();

    public async Task<IActionResult> OnGetAsync(string slug, int n, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (show is null || !await catalog.CanSeeAsync(show.Id, ct)) return NotFound();
        var photos = await catalog.PhotosAsync(show.Id, ct);
        var i = photos.FindIndex(p => p.Position == n);
        if (i < 0) return NotFound();
        (Show, Photo, Index, Count) = (show, photos[i], i + 1, photos.Count);
        Cluster.SurrogateKeys.Add(Response, Cluster.SurrogateKeys.Photo(Photo.Id), Cluster.SurrogateKeys.Show(show.Id)); // a CDN purges it by key
        PreviousPosition = i > 0 ? photos[i - 1].Position : null;
        NextPosition = i < photos.Count - 1 ? photos[i + 1].Position : null;

        Articles = await catalog.ArticlesEmbeddingAsync(show, ct);
        Preview = await visibility.ViewerIsStaffAsync();

        var path = Galleries.Photo.PageUrl(show.Slug, Photo.Position);
        var share = catalog.ShareImage(Photo, Preview);
        var full = (Preview ? MediaUrls.Origin(Photo) : media.Public(Photo)).Jpeg(1920);
        // Deny wins: a "No social or link previews" photo's page names it (credit, caption) but gives no JSON-LD image.
        var data = ReaderMeta.ImageObject(urls, full is null || !Galleries.Rights.Allows(Photo, Galleries.Surface.Social) ? null : full.Url, path, Photo,
            full?.Width, full?.Height);
        data["@context"] = "https://schema.org";
        data["name"] = Title;
        data["description"] = Photo.AltText;
        data["isPartOf"] = new Dictionary<string, object?> { ["@type"] = "ImageGallery", ["name"] = $"{show.Title}, {show.Season}", ["url"] = urls.Absolute($"/shows/{show.Slug}") };
        Meta = new PageMeta
        {
            Title = Title,
            Description = Photo.AltText ?? show.Description,
            CanonicalPath = path,
            Image = share,
            ModifiedTime = Photo.UpdatedAt,
            JsonLd = data,
        };
        // Deny wins: the share links (Pinterest's image) never carry a "No social or link previews" photo.
        Share = new ShareLinks(urls.Absolute(path), Title, full is null || !Galleries.Rights.Allows(Photo, Galleries.Surface.Social) ? null : urls.Absolute(full.Url));
        return Page();
    }
}
