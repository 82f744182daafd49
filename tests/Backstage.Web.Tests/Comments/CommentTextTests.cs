using Backstage.Web.Comments;

namespace Backstage.Web.Tests.Comments;

public sealed class CommentTextTests
{
    [Theory]
    [InlineData("viagra", "buy viagra now")]
    [InlineData("viagra", "buy VIAGRA now")]
    [InlineData("viagra", "buy v.i.a.g.r.a now")]
    [InlineData("viagra", "buy v i a g r a now")]
    [InlineData("viagra", "buy vi-agra now")]
    [InlineData("viagra", "buy v1agra now")]
    [InlineData("viagra", "buy vi@gr@ now")]
    [InlineData("viagra", "buy v\u0456\u0430gr\u0430 now")]     // Cyrillic і and а
    [InlineData("viagra", "buy \uFF56\uFF49\uFF41\uFF47\uFF52\uFF41 now")] // full-width
    [InlineData("viagra", "buy víágrà now")]
    [InlineData("viagra", "buy via\u200Bgra now")]                // zero-width space
    [InlineData("casino", "c4s1n0!")]
    [InlineData("loser", "you 1053r")]
    [InlineData("cheap pills", "CHEAP   p1lls here")]
    [InlineData("sex", "$3x")]
    public void Look_alike_spellings_match(string word, string text) => Assert.Equal(word, WordList.FirstMatch(text, "other\n" + word));

    [Theory]
    [InlineData("ass", "a classic class")]
    [InlineData("viagra", "viagrass")]
    [InlineData("hell", "hello there")]
    [InlineData("casino", "")]
    public void Words_inside_other_words_do_not_match(string word, string text) => Assert.Null(WordList.FirstMatch(text, word));

    [Theory]
    [InlineData("no links here", 0)]
    [InlineData("http://a.example https://b.example", 2)]
    [InlineData("www.a.example and HTTPS://B.EXAMPLE and http://c", 3)]
    public void Links_are_counted_on_the_raw_text(string text, int links) => Assert.Equal(links, CommentText.CountLinks(text));

    [Fact]
    public void Rendering_encodes_links_http_only_and_keeps_line_breaks()
    {
        var html = CommentText.ToHtml("a < b & \"c\"\nsee https://x.example/?q=1&r=<2>. javascript:alert(1)").ToString();
        Assert.Equal("a &lt; b &amp; &quot;c&quot;<br>see <a href=\"https://x.example/?q=1&amp;r=\" rel=\"nofollow ugc noopener\">https://x.example/?q=1&amp;r=</a>&lt;2&gt;. javascript:alert(1)", html);
    }
}
