using Backstage.Web.Articles;
using Backstage.Web.Shows;

namespace Backstage.Web.Reader;

/// <summary>PageMeta and JSON-LD for the reader's pages.</summary>
public static class ReaderMeta
{
    public static PageMeta ForArticle(Article a, SiteUrls urls, MetaImage? image)
    {
        var url = urls.Absolute($"/articles/{a.Slug}");
        var data = JsonLd.Thing("NewsArticle");
        data["headline"] = a.Title;
        data["description"] = a.Standfirst;
        data["url"] = url;
        data["mainEntityOfPage"] = url;
        data["datePublished"] = a.PublishAt is { } p ? JsonLd.Date(p) : null;
        data["dateModified"] = JsonLd.Date(a.UpdatedAt > (a.PublishAt ?? a.UpdatedAt) ? a.UpdatedAt : a.PublishAt ?? a.UpdatedAt);
        if (a.Author?.DisplayName is { Length: > 0 } author)
            data["author"] = new Dictionary<string, object?> { ["@type"] = "Person", ["name"] = author };
        data["publisher"] = JsonLd.Organization();
        if (image is not null) data["image"] = new[] { urls.Absolute(image.Url) };
        return new PageMeta
        {
            Title = a.Title, Description = a.Standfirst, Type = "article", CanonicalPath = $"/articles/{a.Slug}",
            Image = image, PublishedTime = a.PublishAt, ModifiedTime = a.UpdatedAt, JsonLd = data,
        };
    }

    public static PageMeta ForShow(Show s, SiteUrls urls, MetaImage? image, IReadOnlyList<Dictionary<string, object?>> photos)
    {
        var url = urls.Absolute($"/shows/{s.Slug}");
        var data = JsonLd.Thing("ImageGallery");
        data["name"] = $"{s.Title}, {s.Season}";
        data["description"] = s.Description;
        data["url"] = url;
        data["publisher"] = JsonLd.Organization();
        data["about"] = new Dictionary<string, object?> { ["@type"] = "Event", ["name"] = $"{s.Designer} {s.Season}", ["startDate"] = s.Date.ToString("yyyy-MM-dd"),
            ["location"] = new Dictionary<string, object?> { ["@type"] = "Place", ["name"] = s.City } };
        if (photos.Count > 0) data["image"] = photos;
        return new PageMeta
        {
            Title = $"{s.Title}, {s.Season}", Description = s.Description, CanonicalPath = $"/shows/{s.Slug}",
            Image = image, ModifiedTime = s.UpdatedAt, JsonLd = s.LiveCoverageStartedAt is null ? data : WithLiveCoverage(s, url, data),
        };
    }

    /// <summary>
    /// A show under live coverage (or that had it) is also a LiveBlogPosting: coverageStartTime from "Start live
    /// coverage", coverageEndTime once "End live coverage" was pressed. Both things go in one @graph.
    /// </summary>
    private static Dictionary<string, object?> WithLiveCoverage(Show s, string url, Dictionary<string, object?> gallery)
    {
        gallery.Remove("@context");
        var live = new Dictionary<string, object?>
        {
            ["@type"] = "LiveBlogPosting", ["headline"] = $"{s.Title}, {s.Season}: live from backstage", ["url"] = url,
            ["publisher"] = JsonLd.Organization(), ["coverageStartTime"] = JsonLd.Date(s.LiveCoverageStartedAt!.Value),
            ["about"] = gallery["about"],
        };
        if (s.LiveCoverageEndedAt is { } end) live["coverageEndTime"] = JsonLd.Date(end);
        return new Dictionary<string, object?> { ["@context"] = "https://schema.org", ["@graph"] = new object[] { gallery, live } };
    }

    /// <summary>
    /// An ImageObject with the credit from the photo's rights: creditText ("Camille Martin / Backstage Pictures", or
    /// "Courtesy of Isabel Marant" for a handout), copyrightNotice, and license when the rights carry a web statement.
    /// A null <paramref name="contentUrl"/> leaves the image out (deny wins: "No social or link previews").
    /// </summary>
    public static Dictionary<string, object?> ImageObject(SiteUrls urls, string? contentUrl, string pageUrl, Galleries.Photo p, int? width = null, int? height = null)
    {
        var data = ImageObject(urls, contentUrl ?? pageUrl, pageUrl, p.Caption, null, contentUrl is null ? null : width, contentUrl is null ? null : height);
        if (contentUrl is null) data.Remove("contentUrl");
        var handout = p.RightsCategory == Galleries.RightsCategory.Handout;
        if ((handout ? p.CreditLine : p.CreditName) is { } credit) data["creditText"] = credit;
        if (!handout && p.CreditName is { } creator) data["creator"] = new Dictionary<string, object?> { ["@type"] = "Person", ["name"] = creator };
        if (p.CopyrightNotice is { } notice) data["copyrightNotice"] = notice;
        if (p.WebStatement is { } license && Uri.TryCreate(license, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
            data["license"] = license;
        return data;
    }

    /// <summary>An ImageObject with credit, for galleries and photo pages.</summary>
    public static Dictionary<string, object?> ImageObject(SiteUrls urls, string contentUrl, string pageUrl, string? caption, string? credit, int? width = null, int? height = null)
    {
        var data = JsonLd.Thing("ImageObject");
        data.Remove("@context");
        data["contentUrl"] = urls.Absolute(contentUrl);
        data["url"] = urls.Absolute(pageUrl);
        data["caption"] = caption;
        data["width"] = width;
        data["height"] = height;
        if (!string.IsNullOrWhiteSpace(credit))
        {
            data["creditText"] = credit;
            data["creator"] = new Dictionary<string, object?> { ["@type"] = "Person", ["name"] = credit };
            data["copyrightNotice"] = credit;
        }
        return data;
    }
}
