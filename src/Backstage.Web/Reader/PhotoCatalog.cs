using System.Globalization;
using Backstage.Media;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Reader;

/// <summary>
/// The reader's view of photos: what may be shown (Ready photos of public galleries — editors also see unpublished
/// ones, like the gallery embed), where each photo's own page is (/shows/{slug}/photos/{position}), which crop to use
/// for covers and OpenGraph, and the pictures for the home page, feed and sitemap (<see cref="IReaderImages"/>).
/// </summary>
public sealed class PhotoCatalog(BackstageDbContext db, GalleryVisibility visibility, IHttpContextAccessor http,
    IAuthorizationService authz) : IReaderImages
{
    public static string? Alt(Photo p) => p.Decorative ? "" : p.AltText;

    public async Task<bool> CanSeeAsync(int showId, CancellationToken ct) =>
        await visibility.IsShowPublicAsync(showId, ct) || await GalleryVisibility.SeesUnpublishedAsync(authz, http.HttpContext?.User);

    /// <summary>Ready photos of a show in gallery order, with renditions (call <see cref="CanSeeAsync"/> first).</summary>
    public async Task<List<Photo>> PhotosAsync(int showId, CancellationToken ct) =>
        await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions)
            .Where(p => p.ShowId == showId && p.Status == PhotoStatus.Ready)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);

    /// <summary>
    /// Where a Ready photo is now: its show, its number in the gallery (as "Photo 3 of 12" counts) and its page. Null
    /// unless it may be seen — by anyone (<paramref name="publicOnly"/>) or by the current viewer (editors see more).
    /// </summary>
    public async Task<PhotoPlace?> LocateAsync(int photoId, bool publicOnly, CancellationToken ct)
    {
        var photo = await db.Set<Photo>().AsNoTracking().Where(p => p.Id == photoId && p.Status == PhotoStatus.Ready)
            .Select(p => new { p.ShowId, p.Position }).FirstOrDefaultAsync(ct);
        if (photo is null) return null;
        if (!(publicOnly ? await visibility.IsShowPublicAsync(photo.ShowId, ct) : await CanSeeAsync(photo.ShowId, ct))) return null;
        var show = await db.Shows.AsNoTracking().FirstAsync(s => s.Id == photo.ShowId, ct);
        var before = await db.Set<Photo>().CountAsync(p => p.ShowId == photo.ShowId && p.Status == PhotoStatus.Ready
            && (p.Position < photo.Position || (p.Position == photo.Position && p.Id < photoId)), ct);
        return new PhotoPlace(show, before + 1, Photo.PageUrl(show.Slug, photo.Position));
    }

    /// <summary>Live articles that embed this show's gallery, newest first.</summary>
    public Task<List<Article>> ArticlesEmbeddingAsync(Show show, CancellationToken ct) => visibility.LiveArticlesEmbeddingAsync(show.Slug, ct);

    /// <summary>Each show's cover (the gallery's chosen cover, else its first Ready photo), public galleries only.</summary>
    public async Task<Dictionary<int, Photo>> ShowCoversAsync(IReadOnlyCollection<int> showIds, CancellationToken ct)
    {
        var visible = await visibility.PublicShowIdsAsync(showIds, ct);
        if (visible.Count == 0) return [];
        var chosen = await db.Set<Gallery>().AsNoTracking().Where(g => visible.Contains(g.ShowId) && g.CoverPhotoId != null)
            .ToDictionaryAsync(g => g.ShowId, g => g.CoverPhotoId!.Value, ct);
        var chosenIds = chosen.Values.ToList();
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions)
            .Where(p => visible.Contains(p.ShowId) && p.Status == PhotoStatus.Ready
                        && (chosenIds.Contains(p.Id) || p.Position == db.Set<Photo>()
                            .Where(q => q.ShowId == p.ShowId && q.Status == PhotoStatus.Ready).Min(q => q.Position)))
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
    public async Task<Dictionary<int, Photo>> ArticleCoverPhotosAsync(IReadOnlyCollection<Article> articles, CancellationToken ct)
    {
        var slugsByArticle = articles.ToDictionary(a => a.Id, a => MarkdownRenderer.GallerySlugs(a.Body));
        var allSlugs = slugsByArticle.Values.SelectMany(s => s).Distinct().ToList();
        if (allSlugs.Count == 0) return [];
        var shows = await db.Shows.AsNoTracking().Where(s => allSlugs.Contains(s.Slug)).ToDictionaryAsync(s => s.Slug, s => s.Id, ct);
        var covers = await ShowCoversAsync(shows.Values.ToList(), ct);
        var result = new Dictionary<int, Photo>();
        foreach (var (articleId, slugs) in slugsByArticle)
            foreach (var slug in slugs)
                if (shows.TryGetValue(slug, out var showId) && covers.TryGetValue(showId, out var cover)) { result[articleId] = cover; break; }
        return result;
    }

    public static ReaderImage? CoverImage(Photo p) =>
        PhotoRenditions.Of(p).Crop(RenditionPlanner.Grid) is { } r ? new ReaderImage(r.Url, r.ContentType, r.Width, r.Height, Alt(p)) : null;

    public static MetaImage? ShareImage(Photo p) =>
        PhotoRenditions.Of(p).Crop(RenditionPlanner.OpenGraph) is { } r ? new MetaImage(r.Url, r.Width, r.Height, Alt(p)) : null;

    async Task<IReadOnlyDictionary<int, ReaderImage>> IReaderImages.ArticleCoversAsync(IReadOnlyCollection<Article> articles, CancellationToken ct)
    {
        var result = new Dictionary<int, ReaderImage>();
        foreach (var (id, photo) in await ArticleCoverPhotosAsync(articles, ct))
            if (CoverImage(photo) is { } image) result[id] = image;
        return result;
    }

    async Task<MetaImage?> IReaderImages.ArticleShareImageAsync(Article article, CancellationToken ct) =>
        (await ArticleCoverPhotosAsync([article], ct)).TryGetValue(article.Id, out var p) ? ShareImage(p) : null;

    async Task<IReadOnlyList<SitemapPhotoPage>> IReaderImages.SitemapPhotoPagesAsync(CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Select(s => new { s.Id, s.Slug }).ToListAsync(ct);
        var visible = await visibility.PublicShowIdsAsync(shows.Select(s => s.Id).ToList(), ct);
        var slugs = shows.Where(s => visible.Contains(s.Id)).ToDictionary(s => s.Id, s => s.Slug);
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions)
            .Where(p => visible.Contains(p.ShowId) && p.Status == PhotoStatus.Ready)
            .OrderBy(p => p.ShowId).ThenBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var pages = new List<SitemapPhotoPage>();
        foreach (var p in photos)
            if (PhotoRenditions.Of(p).Jpeg(1920) is { } image)
                pages.Add(new SitemapPhotoPage(Photo.PageUrl(slugs[p.ShowId], p.Position), image.Url, p.UpdatedAt));
        return pages;
    }
}

/// <summary>A photo's show, its number in the gallery and the path of its page.</summary>
public sealed record PhotoPlace(Show Show, int Number, string Url);
