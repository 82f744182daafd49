using System.Xml.Linq;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Reader;

/// <summary>
/// Where pages point &lt;picture&gt;s: with Backstage:Media:PublicBaseUrl (a CDN that fronts /media) every public media URL
/// — srcsets and src on the show page, in an article's gallery embed and on the photo page, og:image, JSON-LD, the
/// sitemap's image:loc — is on the CDN, and the CSP lets images load from it; without it they are this site's /media.
/// </summary>
/// <param name="factory">The app, with or without a media CDN.</param>
/// <param name="pagePrefix">What pages' media URLs start with before "/media/".</param>
/// <param name="absolutePrefix">The same where an absolute URL is needed (og:image, sitemap).</param>
/// <param name="cdnInCsp">The origin the CSP's img-src adds, if any.</param>
public abstract class MediaBaseUrlTests(BackstageFactory factory, string pagePrefix, string absolutePrefix, string? cdnInCsp)
{
    public const string SiteUrl = "https://backstage.example";
    private static readonly XNamespace Img = "http://www.google.com/schemas/sitemap-image/1.1";

    private static string? Meta(IHtmlDocument doc, string key) =>
        doc.QuerySelector($"meta[property='{key}'], meta[name='{key}']")?.GetAttribute("content");

    /// <summary>Every URL in src and srcset of the page's pictures.</summary>
    protected static List<string> PictureUrls(IHtmlDocument doc) =>
        doc.QuerySelectorAll("picture source, picture img")
            .SelectMany(e => (e.GetAttribute("srcset") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim().Split(' ')[0])
                .Concat(e.GetAttribute("src") is { } src ? [src] : []))
            .ToList();

    protected async Task Pages_and_sitemap_point_media_where_configured()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Cdn Designer {word}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2);
        var article = await factory.ArticleAsync($"Cdn story {word}", $"Intro.\n\n::: gallery {show.Slug}");
        var client = factory.Anonymous();

        foreach (var path in new[] { $"/shows/{show.Slug}", $"/articles/{article.Slug}", $"/shows/{show.Slug}/photos/{photos[0].Position}" })
        {
            var response = await client.GetAsync(path);
            response.EnsureSuccessStatusCode();
            var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            var urls = PictureUrls(doc);
            Assert.NotEmpty(urls);
            Assert.All(urls, u => Assert.StartsWith(pagePrefix + "/media/", u));
            Assert.Contains(urls, u => u.StartsWith($"{pagePrefix}/media/{photos[0].Id}/", StringComparison.Ordinal));
            Assert.StartsWith(absolutePrefix + "/media/", Meta(doc, "og:image"));
            var jsonLd = doc.QuerySelector("script[type='application/ld+json']")!.TextContent;
            Assert.Contains($"\"{absolutePrefix}/media/{photos[0].Id}/", jsonLd);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            var imgSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("img-src ", StringComparison.Ordinal));
            Assert.Equal(cdnInCsp is null ? "img-src 'self' data:" : $"img-src 'self' data: {cdnInCsp}", imgSrc);
        }

        var sitemap = XDocument.Parse(await client.GetStringAsync("/sitemap.xml"));
        var images = sitemap.Descendants(Img + "loc").Select(l => l.Value).ToList();
        Assert.Contains(images, l => l.Contains($"/media/{photos[0].Id}/", StringComparison.Ordinal));
        Assert.All(images, l => Assert.StartsWith(absolutePrefix + "/media/", l));
    }
}

public sealed class CdnMediaTests(CdnMediaTests.Factory factory) : MediaBaseUrlTests(factory, Cdn, Cdn, "https://cdn.example"), IClassFixture<CdnMediaTests.Factory>
{
    private const string Cdn = "https://cdn.example/assets";

    public sealed class Factory : BackstageFactory
    {
        public Factory() => ClientOptions.BaseAddress = new Uri(SiteUrl + "/");

        protected override void ConfigureSettings(IWebHostBuilder builder) =>
            builder.UseSetting("Backstage:Media:PublicBaseUrl", Cdn + "/");
    }

    [Fact]
    public Task With_a_media_CDN_every_public_media_URL_is_on_it() => Pages_and_sitemap_point_media_where_configured();

    /// <summary>
    /// An editor's view of a photo readers cannot see yet: the CDN has no cookie, would get a 404 and could keep it past
    /// go-live, so nothing on that page (pictures, og:image, JSON-LD, share links) may point at it.
    /// </summary>
    [Fact]
    public async Task An_editors_preview_of_an_unpublished_photo_has_no_CDN_URL()
    {
        var show = await factory.ShowAsync($"Cdn Preview {ReaderData.Word()}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 1);
        await factory.WithDbAsync(db => db.Set<Backstage.Web.Galleries.Photo>().Where(p => p.Id == photos[0].Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, (DateTimeOffset?)null)));
        var path = $"/shows/{show.Slug}/photos/{photos[0].Position}";
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync(path)).StatusCode);

        var editor = await factory.ClientAsync(Backstage.Web.Accounts.Roles.Editor);
        var response = await editor.Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        var html = await response.Content.ReadAsStringAsync();
        var urls = PictureUrls(new HtmlParser().ParseDocument(html));
        Assert.Contains(urls, u => u.StartsWith($"/media/{photos[0].Id}/", StringComparison.Ordinal));
        Assert.DoesNotContain("cdn.example", html, StringComparison.Ordinal);
    }
}

public sealed class OriginMediaTests(OriginMediaTests.Factory factory) : MediaBaseUrlTests(factory, "", SiteUrl, null), IClassFixture<OriginMediaTests.Factory>
{
    public sealed class Factory : BackstageFactory
    {
        public Factory() => ClientOptions.BaseAddress = new Uri(SiteUrl + "/");
    }

    [Fact]
    public Task Without_a_media_CDN_media_URLs_are_this_sites() => Pages_and_sitemap_point_media_where_configured();
}
