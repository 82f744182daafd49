using Backstage.Web.Articles;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Foundation;

public sealed class MarkdownTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private Task<string> RenderAsync(string markdown) =>
        factory.WithScopeAsync(async sp => (await sp.GetRequiredService<MarkdownRenderer>().RenderAsync(markdown)).Html);

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](javascript&#58;alert(1))")]
    [InlineData("[click](javascript&colon;alert(1))")]
    [InlineData("[click](&#106;avascript:alert(1))")]
    [InlineData("[click]( javascript:alert(1))")]
    [InlineData("[click](<java\tscript:alert(1)>)")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("![pic](javascript:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("[x](https://ok.example \"title\" onmouseover=alert(1))")]
    public async Task Scripts_and_dangerous_links_never_survive(string markdown)
    {
        var html = await RenderAsync(markdown);
        var doc = FormClient.Parse(html);
        Assert.Empty(doc.QuerySelectorAll("script, iframe, object, embed"));
        foreach (var element in doc.All)
        foreach (var attribute in element.Attributes)
        {
            Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler attribute in {html}");
            var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();
            Assert.False(value.StartsWith("javascript:") || value.StartsWith("vbscript:") || value.StartsWith("data:"), $"dangerous URL in {html}");
        }
    }

    [Fact]
    public async Task Raw_html_is_shown_as_text()
    {
        var html = await RenderAsync("Hello <b>world</b>");
        Assert.Contains("&lt;b&gt;world&lt;/b&gt;", html);
    }

    [Theory]
    [InlineData("[site](https://backstage.example/a?b=1)", "https://backstage.example/a?b=1")]
    [InlineData("[mail](mailto:desk@backstage.example)", "mailto:desk@backstage.example")]
    [InlineData("[show](/shows/dior-fw25)", "/shows/dior-fw25")]
    public async Task Safe_links_are_kept(string markdown, string href)
    {
        var doc = FormClient.Parse(await RenderAsync(markdown));
        Assert.Equal(href, doc.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_gallery_directive_embeds_the_named_show()
    {
        var slug = "embed-" + Guid.NewGuid().ToString("N")[..8];
        await factory.WithDbAsync(async db =>
        {
            db.Add(new Show { Designer = "Mugler", Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 5), Slug = slug, Status = ShowStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
            await db.SaveChangesAsync();
        });
        var html = await RenderAsync($"Before\n\n::: gallery {slug}\n\nAfter");
        Assert.Contains("At Mugler", html);
        Assert.Contains($"/shows/{slug}", html);
        Assert.DoesNotContain(":::", html);
        Assert.True(html.IndexOf("Before", StringComparison.Ordinal) < html.IndexOf("At Mugler", StringComparison.Ordinal));
    }

    [Fact]
    public void Gallery_slugs_are_found_and_code_blocks_are_not_directives()
    {
        var slugs = MarkdownRenderer.GallerySlugs("::: gallery dior-fw25\n\n    ::: gallery indented-code\n\n```\n::: gallery fenced\n```\n::: gallery gucci-fw25 :::");
        Assert.Equal(["dior-fw25", "gucci-fw25"], slugs);
    }

    [Theory]
    [InlineData("Dries Van Noten — Fall/Winter 2025", "dries-van-noten-fall-winter-2025")]
    [InlineData("Défilé à l'Opéra", "defile-a-l-opera")]
    [InlineData("  --  ", "")]
    public void Slugs_fold_accents_and_punctuation(string text, string slug) => Assert.Equal(slug, Slugs.From(text));
}
