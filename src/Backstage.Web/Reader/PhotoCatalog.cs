using Backstage.Media;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Reader;

/// <summary>
/// The reader's view of photos: what may be shown (<see cref="GalleryVisibility"/>: published photos of live shows —
/// editors also see unpublished ones, like the gallery embed), where each photo's own page is
/// (/shows/{slug}/photos/{position}), which crop to use for covers and OpenGraph, and the pictures for the home page,
/// feed and sitemap (<see cref="IReaderImages"/>, always the public rule: those responses are cached for everyone).
/// </summary>
public sealed class PhotoCatalog(BackstageDbContext db, GalleryVisibility visibility, MediaUrls media) : IReaderImages
{
    public static string? Alt(Photo p) => p.Decorative ? "" : p.AltText;

    public Task<bool> CanSeeAsync(int showId, CancellationToken ct) => visibility.CanSeeShowAsync(showId, ct);

    /// <summary>The photos of a show the current viewer may see, in gallery order, with renditions (call <see cref="CanSeeAsync"/> first).</summary>
    public async Task<List<Photo>> PhotosAsync(int showId, CancellationToken ct) =>
        await (await visibility.VisiblePhotosAsync()).AsNoTracking().Include(p => p.Renditions)
            .Where(p => p.ShowId == showId)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);

    /// <summary>
    /// Where a Ready photo is now: its show, its number in the gallery (as "Photo 3 of 12" counts) and its page. Null
    /// unless it may be seen — by anyone (<paramref name="publicOnly"/>) or by the current viewer (editors see more).
    /// </summary>
    public async Task<PhotoPlace?> LocateAsync(int photoId, bool publicOnly, CancellationToken ct)
    {
        var visible = publicOnly ? visibility.PublicPhotos() : await visibility.VisiblePhotosAsync();
        var photo = await visible.AsNoTracking().Where(p => p.Id == photoId)
            .Select(p => new { p.ShowId, p.Position }).FirstOrDefaultAsync(ct);
        if (photo is null) return null;
        var show = await db.Shows.AsNoTracking().FirstAsync(s => s.Id == photo.ShowId, ct);
        var before = await visible.CountAsync(p => p.ShowId == photo.ShowId
            && (p.Position < photo.Position || (p.Position == photo.Position && p.Id < photoId)), ct);
        return new PhotoPlace(show, before + 1, Photo.PageUrl(show.Slug, photo.Position));
    }

    /// <summary>Live articles that embed this show's gallery, newest first.</summary>
    public Task<List<Article>> ArticlesEmbeddingAsync(Show show, CancellationToken ct) => visibility.LiveArticlesEmbeddingAsync(show.Slug, ct);

    /// <summary>
    /// Each show's cover (the gallery's chosen cover, else its first public photo), public photos on <paramref name="surface"/>
    /// only: for <see cref="Surface.Social"/> a "No social" cover gives way to the first photo that may be shared.
    /// </summary>
    public async Task<Dictionary<int, Photo>> ShowCoversAsync(IReadOnlyCollection<int> showIds, CancellationToken ct, Surface surface = Surface.Page)
    {
        if (showIds.Count == 0) return [];
        var ids = showIds.Distinct().ToList();
        var chosen = await db.Set<Gallery>().AsNoTracking().Where(g => ids.Contains(g.ShowId) && g.CoverPhotoId != null)
            .ToDictionaryAsync(g => g.ShowId, g => g.CoverPhotoId!.Value, ct);
        var chosenIds = chosen.Values.ToList();
        var visible = visibility.PublicPhotos(surface);
        var photos = await visible.AsNoTracking().Include(p => p.Renditions)
            .Where(p => ids.Contains(p.ShowId)
                        && (chosenIds.Contains(p.Id) || p.Position == visible.Where(q => q.ShowId == p.ShowId).Min(q => q.Position)))
            .ToListAsync(ct);
        var result = new Dictionary<int, Photo>();
        foreach (var group in photos.GroupBy(p => p.ShowId))
        {
            var cover = chosen.TryGetValue(group.Key, out var id) ? group.FirstOrDefault(p => p.Id == id) : null;
            result[group.Key] = cover ?? group.OrderBy(p => p.Position).ThenBy(p => p.Id).First();
        }
        return result;
    }

    /// <summary>Cover photo of each article: the cover of the first embedded gallery that has one.</summary>
    public async Task<Dictionary<int, Photo>> ArticleCoverPhotosAsync(IReadOnlyCollection<Article> articles, CancellationToken ct, Surface surface = Surface.Page)
    {
        var slugsByArticle = articles.ToDictionary(a => a.Id, a => MarkdownRenderer.GallerySlugs(a.Body));
        var allSlugs = slugsByArticle.Values.SelectMany(s => s).Distinct().ToList();
        if (allSlugs.Count == 0) return [];
        var shows = await db.Shows.AsNoTracking().Where(s => allSlugs.Contains(s.Slug)).ToDictionaryAsync(s => s.Slug, s => s.Id, ct);
        var covers = await ShowCoversAsync(shows.Values.ToList(), ct, surface);
        var result = new Dictionary<int, Photo>();
        foreach (var (articleId, slugs) in slugsByArticle)
            foreach (var slug in slugs)
                if (shows.TryGetValue(slug, out var showId) && covers.TryGetValue(showId, out var cover)) { result[articleId] = cover; break; }
        return result;
    }

    public ReaderImage? CoverImage(Photo p) =>
        media.Public(p).Crop(RenditionPlanner.Grid) is { } r ? new ReaderImage(r.Url, r.ContentType, r.Width, r.Height, Alt(p), p.CreditLine) : null;

    /// <summary>The og:image / twitter image of a photo; null when its rights say "No social or link previews" (deny wins). A staff <paramref name="preview"/> points at this site, never the CDN.</summary>
    public MetaImage? ShareImage(Photo p, bool preview = false) => !Rights.Allows(p, Surface.Social) ? null :
        (preview ? MediaUrls.Origin(p) : media.Public(p)).Crop(RenditionPlanner.OpenGraph) is { } r ? new MetaImage(r.Url, r.Width, r.Height, Alt(p)) : null;

    async Task<IReadOnlyDictionary<int, ReaderImage>> IReaderImages.ArticleCoversAsync(IReadOnlyCollection<Article> articles, CancellationToken ct)
    {
        var result = new Dictionary<int, ReaderImage>();
        foreach (var (id, photo) in await ArticleCoverPhotosAsync(articles, ct))
            if (CoverImage(photo) is { } image) result[id] = image;
        return result;
    }

    async Task<MetaImage?> IReaderImages.ArticleShareImageAsync(Article article, CancellationToken ct) =>
        (await ArticleCoverPhotosAsync([article], ct, Surface.Social)).TryGetValue(article.Id, out var p) ? ShareImage(p) : null;

    async Task<IReadOnlyList<SitemapPhotoPage>> IReaderImages.SitemapPhotoPagesAsync(CancellationToken ct)
    {
        var slugs = await db.Shows.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Slug, ct);
        var photos = await visibility.PublicPhotos(Surface.Search).AsNoTracking().Include(p => p.Renditions)
            .OrderBy(p => p.ShowId).ThenBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var pages = new List<SitemapPhotoPage>();
        foreach (var p in photos)
            if (media.Public(p).Jpeg(1920) is { } image)
                pages.Add(new SitemapPhotoPage(Photo.PageUrl(slugs[p.ShowId], p.Position), image.Url, p.UpdatedAt));
        return pages;
    }
}

/// <summary>A photo's show, its number in the gallery and the path of its page.</summary>
public sealed record PhotoPlace(Show Show, int Number, string Url);
