using Backstage.Web.Articles;

namespace Backstage.Web.Reader;

/// <summary><paramref name="Credit"/>: the public credit line from the photo's rights ("Photo: Name / Agency", "Courtesy of Brand").</summary>
public sealed record ReaderImage(string Url, string ContentType, int Width, int Height, string? Alt, string? Credit = null);
public sealed record SitemapPhotoPage(string PageUrl, string ImageUrl, DateTimeOffset? UpdatedAt);

/// <summary>
/// Where the reader's site gets pictures from (covers for the home page and feed, photo pages for the sitemap, the
/// 1200×630 OpenGraph crop). Implemented on top of the galleries feature; with none registered the site simply has
/// no pictures.
/// </summary>
public interface IReaderImages
{
    Task<IReadOnlyDictionary<int, ReaderImage>> ArticleCoversAsync(IReadOnlyCollection<Article> articles, CancellationToken ct);
    Task<IReadOnlyList<SitemapPhotoPage>> SitemapPhotoPagesAsync(CancellationToken ct);
    /// <summary>The 1200×630 crop (around the focal point) of the article's first photo, for OpenGraph and Twitter.</summary>
    Task<MetaImage?> ArticleShareImageAsync(Article article, CancellationToken ct);
}
