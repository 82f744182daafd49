using System.Text.Json;
using AngleSharp.Html.Dom;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Reader;

public sealed class MetaTests(MetaTests.Factory factory) : IClassFixture<MetaTests.Factory>
{
    public const string BaseUrl = "https://backstage.example";

    /// <summary>A configured public base URL: links must use it, never the request's Host.</summary>
    public sealed class Factory : BackstageFactory
    {
        public Factory() => ClientOptions.BaseAddress = new Uri(BaseUrl + "/");
    }

    private static string? Meta(IHtmlDocument doc, string key) =>
        doc.QuerySelector($"meta[property='{key}'], meta[name='{key}']")?.GetAttribute("content");

    private static JsonElement JsonLd(IHtmlDocument doc) =>
        JsonDocument.Parse(Assert.Single(doc.QuerySelectorAll("script[type='application/ld+json']")).TextContent).RootElement;

    [Fact]
    public async Task Article_page_has_opengraph_twitter_canonical_and_NewsArticle_json_ld()
    {
        var editor = await factory.CreateUserAsync(Accounts.Roles.Editor);
        var title = $"Backstage </script><script>alert(1)</script> & \"quotes\" {ReaderData.Word()}";
        var article = await factory.ArticleAsync(title, standfirst: "Hair, make-up & nerves.");
        await factory.WithDbAsync(async db =>
        {
            var a = await db.Articles.FindAsync(article.Id);
            a!.AuthorId = db.Users.Single(u => u.Email == editor).Id;
            await db.SaveChangesAsync();
        });

        var doc = await (await factory.ClientAsync()).GetDocumentAsync($"/articles/{article.Slug}");

        var url = $"{BaseUrl}/articles/{article.Slug}";
        Assert.Equal(url, doc.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        Assert.Equal(url, Meta(doc, "og:url"));
        Assert.Equal("article", Meta(doc, "og:type"));
        Assert.Equal(title, Meta(doc, "og:title"));
        Assert.Equal("Hair, make-up & nerves.", Meta(doc, "og:description"));
        Assert.Equal(title, Meta(doc, "twitter:title"));
        Assert.NotNull(Meta(doc, "twitter:card"));
        Assert.NotNull(Meta(doc, "article:published_time"));

        // The title's "</script>" did not end the JSON-LD block: no script element but ours and the site's files.
        Assert.All(doc.Scripts, s => Assert.True(s.Type == "application/ld+json" || s.Source is { Length: > 0 }, s.OuterHtml));
        var ld = JsonLd(doc);
        Assert.Equal("https://schema.org", ld.GetProperty("@context").GetString());
        Assert.Equal("NewsArticle", ld.GetProperty("@type").GetString());
        Assert.Equal(title, ld.GetProperty("headline").GetString());
        Assert.Equal(url, ld.GetProperty("mainEntityOfPage").GetString());
        Assert.Equal("Editor Person", ld.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("Backstage", ld.GetProperty("publisher").GetProperty("name").GetString());
        Assert.True(DateTimeOffset.TryParse(ld.GetProperty("datePublished").GetString(), out var published));
        Assert.Equal(article.PublishAt!.Value.ToUnixTimeSeconds(), published.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Show_page_has_ImageGallery_json_ld_and_share_links()
    {
        var show = await factory.ShowAsync($"Meta Designer {ReaderData.Word()}", "Backstage <b>moments</b>.");

        var doc = await (await factory.ClientAsync()).GetDocumentAsync($"/shows/{show.Slug}");

        var url = $"{BaseUrl}/shows/{show.Slug}";
        Assert.Equal(url, doc.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        var ld = JsonLd(doc);
        Assert.Equal("ImageGallery", ld.GetProperty("@type").GetString());
        Assert.Equal(url, ld.GetProperty("url").GetString());
        Assert.Equal("Backstage <b>moments</b>.", ld.GetProperty("description").GetString());

        var links = doc.QuerySelectorAll(".share a").Select(a => a.GetAttribute("href")!).ToList();
        var encoded = Uri.EscapeDataString(url);
        Assert.Contains(links, h => h.StartsWith("https://x.com/intent/tweet?url=" + encoded));
        Assert.Contains(links, h => h.StartsWith("https://www.facebook.com/sharer/sharer.php?u=" + encoded));
        Assert.Contains(links, h => h.StartsWith("https://www.pinterest.com/pin/create/button/?url=" + encoded));
        Assert.Contains(links, h => h.StartsWith("https://wa.me/?text=") && h.Contains(encoded));
        Assert.Contains(links, h => h.StartsWith("mailto:?subject=") && h.Contains(encoded));
        Assert.DoesNotContain(doc.Scripts, s => s.Source is { Length: > 0 } src && !src.StartsWith('/'));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/shows")]
    [InlineData("/search")]
    public async Task Every_public_page_has_canonical_and_opengraph_tags(string path)
    {
        var doc = await (await factory.ClientAsync()).GetDocumentAsync(path);
        Assert.Equal(BaseUrl + path, doc.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        Assert.False(string.IsNullOrWhiteSpace(Meta(doc, "og:title")));
        Assert.Equal(BaseUrl + path, Meta(doc, "og:url"));
        Assert.NotNull(Meta(doc, "twitter:card"));
    }

    [Fact]
    public async Task Feed_and_sitemap_use_the_configured_base_url()
    {
        // A forged Host header never gets this far: see PublicOriginTests.
        var sitemap = await factory.Anonymous().GetStringAsync("/sitemap.xml");
        Assert.Contains($"<loc>{BaseUrl}/</loc>", sitemap);
        Assert.Contains($"<id>{BaseUrl}/</id>", await factory.Anonymous().GetStringAsync("/feed.xml"));
    }
}
