using Backstage.Web.Articles;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Reader;

public sealed class SearchTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private async Task<List<(string Kind, string Title, string Href, string SnippetHtml)>> SearchAsync(string q)
    {
        var doc = await (await factory.ClientAsync()).GetDocumentAsync("/search?q=" + Uri.EscapeDataString(q));
        return doc.QuerySelectorAll(".search-results li").Select(li => (
            li.QuerySelector(".kind")!.TextContent, li.QuerySelector("h2 a")!.TextContent,
            li.QuerySelector("h2 a")!.GetAttribute("href")!, li.QuerySelector("p")!.InnerHtml)).ToList();
    }

    [Fact]
    public async Task Case_and_accents_are_ignored_both_ways()
    {
        var word = ReaderData.Word();
        var show = await factory.ShowAsync($"Dries Van Noten {word}");
        var accented = await factory.ArticleAsync($"Crème brûlée at the Café {word}");

        var byDesigner = await SearchAsync($"dries van noten {word}");
        Assert.Equal($"/shows/{show.Slug}", Assert.Single(byDesigner).Href);

        var unaccentedQuery = await SearchAsync($"creme brulee cafe {word.ToUpperInvariant()}");
        Assert.Equal($"/articles/{accented.Slug}", Assert.Single(unaccentedQuery).Href);

        var plain = await factory.ArticleAsync($"Seance at the Hotel {word}");
        var accentedQuery = await SearchAsync($"séance hôtel {word}");
        Assert.Equal($"/articles/{plain.Slug}", Assert.Single(accentedQuery).Href);
    }

    [Fact]
    public async Task Title_matches_rank_above_standfirst_and_body_matches()
    {
        var word = ReaderData.Word();
        var inBody = await factory.ArticleAsync($"Body {word[..6]}", body: $"Long text about hairspray and velvet {word} here.");
        var inTitle = await factory.ArticleAsync($"Velvet {word}");
        var inStandfirst = await factory.ArticleAsync($"Standfirst {word[..6]}", standfirst: $"All about velvet {word}.");

        var hits = await SearchAsync($"velvet {word}");

        Assert.Equal([$"/articles/{inTitle.Slug}", $"/articles/{inStandfirst.Slug}", $"/articles/{inBody.Slug}"], hits.Select(h => h.Href));
    }

    [Fact]
    public async Task Snippets_highlight_matches_and_never_emit_editor_markup()
    {
        var word = ReaderData.Word();
        await factory.ArticleAsync($"Markup {word}", body: $"Before <script>alert('x')</script> <img src=x onerror=alert(1)> the {word} backstage.");

        var hit = Assert.Single(await SearchAsync(word));

        Assert.Contains($"<mark>{word}</mark>", hit.SnippetHtml);
        Assert.DoesNotContain("<script", hit.SnippetHtml);
        Assert.DoesNotContain("<img", hit.SnippetHtml);
        Assert.Contains("&lt;script", hit.SnippetHtml);
    }

    [Fact]
    public async Task Drafts_and_future_scheduled_articles_are_not_found()
    {
        var word = ReaderData.Word();
        await factory.ArticleAsync($"Draft {word}", status: ArticleStatus.Draft);
        await factory.ArticleAsync($"Later {word}", status: ArticleStatus.Scheduled, publishAt: DateTimeOffset.UtcNow.AddDays(2));
        var live = await factory.ArticleAsync($"Live {word}");

        var hits = await SearchAsync(word);

        Assert.Equal($"/articles/{live.Slug}", Assert.Single(hits).Href);
    }

    [Fact]
    public async Task Empty_and_odd_queries_answer_without_error()
    {
        var client = await factory.ClientAsync();
        foreach (var q in new[] { "", "   ", "\"unclosed", "-", "a & | !", new string('x', 500), "\u0001\u0002" })
        {
            var doc = await client.GetDocumentAsync("/search?q=" + Uri.EscapeDataString(q));
            Assert.NotNull(doc.QuerySelector("form[role=search]"));
        }
    }
}
