using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Reader;

/// <summary>Photo pages, OpenGraph crops, gallery JSON-LD, the image sitemap, covers and caption search, on real rendered photos.</summary>
public sealed class PhotoPagesTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private static readonly XNamespace Sm = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly XNamespace Img = "http://www.google.com/schemas/sitemap-image/1.1";

    private static string? Meta(AngleSharp.Html.Dom.IHtmlDocument doc, string key) =>
        doc.QuerySelector($"meta[property='{key}'], meta[name='{key}']")?.GetAttribute("content");

    [Fact]
    public async Task Photo_pages_have_neighbours_credit_articles_opengraph_crop_and_ImageObject()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Photo Designer {word}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 3, word);
        var article = await factory.ArticleAsync($"Story with photos {word}", $"Intro.\n\n::: gallery {show.Slug}");
        var client = await factory.ClientAsync();

        var doc = await client.GetDocumentAsync($"/shows/{show.Slug}/photos/{photos[1].Position}");

        Assert.Equal(photos[1].Caption, doc.QuerySelector("h1")?.TextContent);
        Assert.Equal($"/shows/{show.Slug}/photos/{photos[0].Position}", doc.QuerySelector("a[rel=prev]")?.GetAttribute("href"));
        Assert.Equal($"/shows/{show.Slug}/photos/{photos[2].Position}", doc.QuerySelector("a[rel=next]")?.GetAttribute("href"));
        Assert.Equal("Photo: Camille Martin / Backstage Pictures", doc.QuerySelector("figcaption .credit")?.TextContent);
        Assert.Equal(photos[1].AltText, doc.QuerySelector("figure img")?.GetAttribute("alt"));
        Assert.Equal($"/articles/{article.Slug}", doc.QuerySelector(".photo-appears a")?.GetAttribute("href"));
        Assert.StartsWith($"/shows/{show.Slug}#photo-{photos[1].Id}", doc.QuerySelector(".photo-crumbs a")?.GetAttribute("href"));

        // OpenGraph: the 1200×630 crop around the focal point, absolute, and it is really served.
        var ogImage = Meta(doc, "og:image")!;
        Assert.Matches($@"^https?://[^/]+/media/{photos[1].Id}/f\d+-\d+/fill-1200x630\.jpg$", ogImage);
        // The crop's real size: 1200×630 from a large original, the same 40:21 shape from these small test photos (never upscaled).
        var (w, h) = (int.Parse(Meta(doc, "og:image:width")!), int.Parse(Meta(doc, "og:image:height")!));
        Assert.InRange(w, 300, 1200);
        Assert.InRange(w / (double)h, 1.88, 1.93);
        Assert.Equal("summary_large_image", Meta(doc, "twitter:card"));
        var image = await factory.Anonymous().GetAsync(new Uri(ogImage).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        Assert.Contains(doc.QuerySelectorAll(".share a"), a => a.GetAttribute("href")!.StartsWith("https://www.pinterest.com/") && a.GetAttribute("href")!.Contains("&media=http"));

        var ld = JsonDocument.Parse(doc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("ImageObject", ld.GetProperty("@type").GetString());
        Assert.Equal("Camille Martin / Backstage Pictures", ld.GetProperty("creditText").GetString());
        Assert.Equal("Camille Martin / Backstage Pictures", ld.GetProperty("creator").GetProperty("name").GetString());
        Assert.Matches($@"/media/{photos[1].Id}/w\d+\.jpg$", ld.GetProperty("contentUrl").GetString());

        var showDoc = await client.GetDocumentAsync($"/shows/{show.Slug}");
        var gallery = JsonDocument.Parse(showDoc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("ImageGallery", gallery.GetProperty("@type").GetString());
        var images = gallery.GetProperty("image").EnumerateArray().ToList();
        Assert.Equal(3, images.Count);
        Assert.All(images, i => Assert.Equal("Camille Martin / Backstage Pictures", i.GetProperty("creditText").GetString()));
        Assert.Equal(3, showDoc.QuerySelectorAll(".gallery a.photo-link").Length);
    }

    [Fact]
    public async Task Unpublished_galleries_and_unknown_positions_are_404_to_readers()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Hidden Designer {word}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 1, word);
        Assert.Equal(HttpStatusCode.OK, (await factory.Anonymous().GetAsync($"/shows/{show.Slug}/photos/{photos[0].Position}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/shows/{show.Slug}/photos/{photos[0].Position + 7}")).StatusCode);

        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == show.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, (DateTimeOffset?)null)));
        await factory.WithScopeAsync(async sp => { await sp.GetRequiredService<Backstage.Web.Cluster.PublicCache>().InvalidateAsync(default); return 0; });

        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/shows/{show.Slug}/photos/{photos[0].Position}")).StatusCode);
        var sitemap = await factory.Anonymous().GetStringAsync("/sitemap.xml");
        Assert.DoesNotContain($"/shows/{show.Slug}/photos/", sitemap);
        Assert.DoesNotContain(await SearchHrefsAsync(word), h => h.Contains("/photos/"));
    }

    [Fact]
    public async Task Sitemap_lists_every_public_photo_page_with_its_image_and_validates()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Sitemap Photos {word}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2, word);

        var xml = await factory.Anonymous().GetStringAsync("/sitemap.xml");
        SitemapSchema.Validate(xml);
        var urls = XDocument.Parse(xml).Root!.Elements(Sm + "url").ToList();
        foreach (var photo in photos)
        {
            var url = Assert.Single(urls, u => u.Element(Sm + "loc")!.Value.EndsWith($"/shows/{show.Slug}/photos/{photo.Position}"));
            var imageLoc = url.Element(Img + "image")!.Element(Img + "loc")!.Value;
            Assert.Matches($@"^https?://[^/]+/media/{photo.Id}/w\d+\.jpg$", imageLoc);
        }
    }

    [Fact]
    public async Task Captions_are_searchable_and_link_to_the_photo_page()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Caption Designer {word[..5]}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2, word);

        var hrefs = await SearchHrefsAsync($"LAST touches {word}");

        Assert.Equal(photos.Select(p => $"/shows/{show.Slug}/photos/{p.Position}").Order(), hrefs.Order());
    }

    [Fact]
    public async Task Home_and_shows_index_show_covers_and_the_feed_carries_them()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Cover Designer {word}");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2, word);
        var article = await factory.ArticleAsync($"Covered story {word}", $"::: gallery {show.Slug}");
        var client = await factory.ClientAsync();

        var home = await client.GetDocumentAsync("/");
        var story = home.QuerySelectorAll(".story").Single(li => li.QuerySelector("h2")!.TextContent.Contains(article.Title));
        var cover = story.QuerySelector("img.story-cover")!;
        Assert.Matches($@"^/media/{photos[0].Id}/f\d+-\d+/fill-800x1000\.jpg$", cover.GetAttribute("src"));
        Assert.Equal(photos[0].AltText, cover.GetAttribute("alt"));

        var shows = await client.GetDocumentAsync("/shows");
        var link = shows.QuerySelector($"a[href='/shows/{show.Slug}']")!;
        Assert.Equal("", link.QuerySelector("img.show-cover")!.GetAttribute("alt"));

        var feed = XDocument.Parse(await factory.Anonymous().GetStringAsync("/feed.xml"));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var entry = feed.Root!.Elements(atom + "entry").Single(e => e.Element(atom + "title")!.Value == article.Title);
        var enclosure = entry.Elements(atom + "link").Single(l => (string?)l.Attribute("rel") == "enclosure");
        Assert.Equal("image/jpeg", (string?)enclosure.Attribute("type"));
        Assert.Matches($@"^https?://[^/]+/media/{photos[0].Id}/", (string?)enclosure.Attribute("href"));
    }

    private async Task<List<string>> SearchHrefsAsync(string q)
    {
        var doc = await (await factory.ClientAsync()).GetDocumentAsync("/search?q=" + Uri.EscapeDataString(q));
        return doc.QuerySelectorAll(".search-results h2 a").Select(a => a.GetAttribute("href")!).ToList();
    }
}
