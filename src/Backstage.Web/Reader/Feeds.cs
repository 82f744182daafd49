using System.Text;
using System.Xml;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Reader;

/// <summary>/feed.xml (Atom 1.0, RFC 4287), /sitemap.xml (sitemaps.org 0.9 with Google's image extension) and /robots.txt.</summary>
public static class Feeds
{
    public const string AtomNs = "http://www.w3.org/2005/Atom";
    public const string SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public const string ImageNs = "http://www.google.com/schemas/sitemap-image/1.1";
    /// <summary>Media RSS, for the cover's credit (media:credit) in the Atom feed.</summary>
    public const string MediaNs = "http://search.yahoo.com/mrss/";
    public const int FeedSize = 30;

    public static async Task<IResult> AtomAsync(BackstageDbContext db, SiteUrls urls, TimeProvider clock, IEnumerable<IReaderImages> images, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var articles = await db.Articles.AsNoTracking().Include(a => a.Author).Live(now)
            .OrderByDescending(a => a.PublishAt).ThenByDescending(a => a.Id).Take(FeedSize).ToListAsync(ct);
        var covers = await CoversAsync(images, articles, ct);
        var site = urls.BaseUrl;

        var xml = Write(w =>
        {
            w.WriteStartElement("feed", AtomNs);
            w.WriteAttributeString("xmlns", "media", null, MediaNs);
            w.WriteElementString("id", AtomNs, site + "/");
            w.WriteElementString("title", AtomNs, "Backstage");
            w.WriteElementString("subtitle", AtomNs, "Fashion week from behind the curtain.");
            w.WriteElementString("updated", AtomNs, Rfc3339(articles.Count == 0 ? DateTimeOffset.UnixEpoch : articles.Max(Updated)));
            Link(w, "self", site + "/feed.xml", "application/atom+xml");
            Link(w, "alternate", site + "/", "text/html");
            foreach (var a in articles)
            {
                var url = $"{site}/articles/{a.Slug}";
                w.WriteStartElement("entry", AtomNs);
                w.WriteElementString("id", AtomNs, url);
                w.WriteElementString("title", AtomNs, a.Title);
                w.WriteElementString("published", AtomNs, Rfc3339(a.PublishAt!.Value));
                w.WriteElementString("updated", AtomNs, Rfc3339(Updated(a)));
                w.WriteStartElement("author", AtomNs);
                w.WriteElementString("name", AtomNs, a.Author?.DisplayName is { Length: > 0 } name ? name : "Backstage");
                w.WriteEndElement();
                Link(w, "alternate", url, "text/html");
                if (covers.TryGetValue(a.Id, out var cover))
                {
                    Link(w, "enclosure", urls.Absolute(cover.Url), cover.ContentType);
                    w.WriteStartElement("media", "content", MediaNs);
                    w.WriteAttributeString("url", urls.Absolute(cover.Url));
                    w.WriteAttributeString("medium", "image");
                    if (cover.Credit is { } credit) w.WriteElementString("media", "credit", MediaNs, credit);
                    w.WriteEndElement();
                }
                if (!string.IsNullOrWhiteSpace(a.Standfirst))
                {
                    w.WriteStartElement("summary", AtomNs);
                    w.WriteAttributeString("type", "text");
                    w.WriteString(a.Standfirst);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
        return Results.Text(xml, "application/atom+xml; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> SitemapAsync(BackstageDbContext db, SiteUrls urls, TimeProvider clock, IEnumerable<IReaderImages> images, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var articles = await db.Articles.AsNoTracking().Live(now).OrderByDescending(a => a.PublishAt)
            .Select(a => new { a.Id, a.Slug, a.UpdatedAt, a.PublishAt }).ToListAsync(ct);
        var shows = await db.Shows.AsNoTracking().Where(GalleryVisibility.ShowLive(now)).OrderByDescending(s => s.Date)
            .Select(s => new { s.Id, s.Slug, s.UpdatedAt }).ToListAsync(ct);
        var issues = await db.Set<Newsletter.NewsletterIssue>().AsNoTracking().Where(i => i.State == Newsletter.NewsletterIssueState.Sent)
            .OrderByDescending(i => i.SentAt).Select(i => new { i.Slug, i.SentAt }).ToListAsync(ct);
        var photoPages = new List<SitemapPhotoPage>();
        foreach (var source in images) photoPages.AddRange(await source.SitemapPhotoPagesAsync(ct));
        var site = urls.BaseUrl;

        var xml = Write(w =>
        {
            w.WriteStartElement("urlset", SitemapNs);
            w.WriteAttributeString("xmlns", "image", null, ImageNs);
            Url(w, site + "/", articles.Count == 0 ? null : articles.Max(a => Max(a.UpdatedAt, a.PublishAt!.Value)), []);
            Url(w, site + "/shows", shows.Count == 0 ? null : shows.Max(s => s.UpdatedAt), []);
            foreach (var a in articles) Url(w, $"{site}/articles/{a.Slug}", Max(a.UpdatedAt, a.PublishAt!.Value), []);
            foreach (var s in shows) Url(w, $"{site}/shows/{s.Slug}", s.UpdatedAt, []);
            Url(w, site + "/newsletter", issues.Count == 0 ? null : issues[0].SentAt, []);
            foreach (var i in issues) Url(w, site + Newsletter.SubscriberLinks.WebVersionPath(i.Slug), i.SentAt, []);
            foreach (var p in photoPages) Url(w, urls.Absolute(p.PageUrl), p.UpdatedAt, [urls.Absolute(p.ImageUrl)]);
            w.WriteEndElement();
        });
        return Results.Text(xml, "application/xml; charset=utf-8", Encoding.UTF8);
    }

    public static IResult Robots(SiteUrls urls) => Results.Text(
        $"User-agent: *\nDisallow: /studio\nDisallow: /admin\nDisallow: /account\nSitemap: {urls.BaseUrl}/sitemap.xml\n", "text/plain; charset=utf-8");

    private static async Task<IReadOnlyDictionary<int, ReaderImage>> CoversAsync(IEnumerable<IReaderImages> images, IReadOnlyList<Article> articles, CancellationToken ct)
    {
        var result = new Dictionary<int, ReaderImage>();
        foreach (var source in images)
            foreach (var (id, cover) in await source.ArticleCoversAsync(articles, ct))
                result.TryAdd(id, cover);
        return result;
    }

    private static DateTimeOffset Updated(Article a) => Max(a.UpdatedAt, a.PublishAt ?? a.UpdatedAt);
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static void Link(XmlWriter w, string rel, string href, string type)
    {
        w.WriteStartElement("link", AtomNs);
        w.WriteAttributeString("rel", rel);
        w.WriteAttributeString("type", type);
        w.WriteAttributeString("href", href);
        w.WriteEndElement();
    }

    private static void Url(XmlWriter w, string loc, DateTimeOffset? lastModified, IEnumerable<string> imageUrls)
    {
        w.WriteStartElement("url", SitemapNs);
        w.WriteElementString("loc", SitemapNs, loc);
        if (lastModified is { } t) w.WriteElementString("lastmod", SitemapNs, Rfc3339(t));
        foreach (var image in imageUrls)
        {
            w.WriteStartElement("image", "image", ImageNs);
            w.WriteElementString("image", "loc", ImageNs, image);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static string Write(Action<XmlWriter> body)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
            body(w);
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + sb;
    }
}
