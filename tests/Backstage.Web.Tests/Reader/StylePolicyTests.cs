using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Reader;

/// <summary>
/// Issue 9, item 13: the CSP allowed style-src 'unsafe-inline' for the photo placeholders' inline styles, so injected
/// markup could restyle pages. Now no page carries a style attribute or a style element, and the policy allows
/// styles only from our origin. (CrawlerTests checks in Chromium that no page reports a CSP violation.)
/// </summary>
public sealed class StylePolicyTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task Pages_with_photos_have_no_inline_styles_and_the_policy_allows_none()
    {
        var show = await factory.ShowAsync("Style " + ReaderData.Word());
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2);
        var article = await factory.ArticleAsync("Styles " + ReaderData.Word(), $"Words.\n\n::: gallery {show.Slug}");
        var editor = await factory.ClientAsync(Roles.Editor);
        var admin = await factory.ClientAsync(Roles.Admin);

        var pages = new (FormClient Client, string Url)[]
        {
            (editor, "/"), (editor, $"/articles/{article.Slug}"), (editor, $"/shows/{show.Slug}"), (editor, $"/shows/{show.Slug}/photos/{photos[1].Position}"),
            (editor, $"/studio/shows/{show.Id}/gallery"), (admin, "/moderation"), (admin, "/admin/users"), (admin, "/admin/audit"),
        };
        foreach (var (client, url) in pages)
        {
            var response = await client.Http.GetAsync(url);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Equal("style-src 'self'", csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("style-src", StringComparison.Ordinal)));
            var doc = FormClient.Parse(await response.Content.ReadAsStringAsync());
            Assert.Empty(doc.QuerySelectorAll("[style], style").Select(e => $"{url}: {e.OuterHtml[..Math.Min(120, e.OuterHtml.Length)]}"));
        }
        // The placeholder is still there, as SVG: dominant colour and blurred preview behind each picture.
        var embedded = FormClient.Parse(await (await editor.Http.GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
        Assert.Equal(2, embedded.QuerySelectorAll("figure .ph-box > svg.ph rect[fill]").Length);
        Assert.All(embedded.QuerySelectorAll("figure .ph-box > svg.ph image"), i => Assert.StartsWith("data:image/", i.GetAttribute("href")));
    }
}
