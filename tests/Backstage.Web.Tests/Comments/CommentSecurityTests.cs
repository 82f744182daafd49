using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>Output encoding, antiforgery, over-posting and who may do what, by guessing ids.</summary>
public sealed class CommentSecurityTests(ClockFactory factory) : IClassFixture<ClockFactory>
{
    [Fact]
    public async Task Stored_xss_attempts_are_shown_as_harmless_text()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.TrustedReaderAsync(article);
        await factory.SetRulesAsync(r => r.MaxLinks = 20);
        string[] attacks =
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(2)>",
            "javascript:alert(3)",
            "JaVaScRiPt:alert(4)",
            "jav&#x09;ascript&colon;alert(5)",
            "[click](javascript:alert(6))",
            "![pic](http://evil.example/x.png)",
            "https://ok.example/\"onmouseover=\"alert(7)",
            "http://ok.example/<svg/onload=alert(8)>",
            "<a href=\"javascript:alert(9)\">x</a>",
        ];
        var id = await reader.PostAcceptedAsync(article, string.Join("\n", attacks) + "\n" + Guid.NewGuid());
        await factory.SetRulesAsync(r => r.MaxLinks = 2);
        Assert.Equal(CommentState.Approved, (await factory.CommentAsync(id)).State);

        var html = await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync();
        var page = FormClient.Parse(html);
        var body = page.GetElementById($"comment-{id}")!.QuerySelector(".comment-body")!;
        Assert.Equal(attacks.Length, body.QuerySelectorAll("br").Length);
        foreach (var element in body.QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, new[] { "br", "a" });
            foreach (var attribute in element.Attributes)
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler {attribute.Name}");
        }
        foreach (var a in body.QuerySelectorAll("a"))
        {
            Assert.Matches("^https?://", a.GetAttribute("href")!);
            Assert.Equal("nofollow ugc noopener", a.GetAttribute("rel"));
        }
        Assert.Equal(["https://ok.example/", "http://ok.example/", "http://evil.example/x.png"], body.QuerySelectorAll("a").Select(a => a.GetAttribute("href")!).Order().Reverse().ToArray());
        Assert.Contains("<script>alert(1)</script>", body.TextContent);
        Assert.Contains("JaVaScRiPt:alert(4)", body.TextContent);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Empty(page.QuerySelectorAll(".comment-body img, .comment-body script, .comment-body svg"));
    }

    [Fact]
    public async Task Posting_without_an_antiforgery_token_is_refused()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        await reader.GetDocumentAsync($"/articles/{article.Slug}");
        var response = await reader.Http.PostAsync("/comments/write", new FormUrlEncodedContent([
            new("Input.ArticleId", article.Id.ToString()), new("Input.Body", "No token " + Guid.NewGuid())]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var tampered = await reader.Http.PostAsync("/comments/write", new FormUrlEncodedContent([
            new("Input.ArticleId", article.Id.ToString()), new("Input.Body", "Bad token " + Guid.NewGuid()), new("__RequestVerificationToken", "CfDJ8-not-a-token")]));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
    }

    [Fact]
    public async Task Over_posted_state_and_author_fields_are_ignored()
    {
        var article = await factory.CreateArticleAsync();
        var victim = await factory.CreateUserAsync(Roles.Reader);
        var victimId = await factory.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == victim).Id));
        var reader = await factory.ClientAsync(Roles.Reader);
        var id = await reader.PostAcceptedAsync(article, "Over-posting " + Guid.NewGuid(),
            ("Input.State", "Approved"), ("State", "Approved"), ("Input.AuthorId", victimId), ("AuthorId", victimId), ("Input.OpenReports", "0"), ("Input.CreatedAt", "2000-01-01"));
        var c = await factory.CommentAsync(id);
        Assert.Equal(CommentState.Pending, c.State);
        Assert.NotEqual(victimId, c.AuthorId);
        Assert.True(c.CreatedAt > DateTimeOffset.UtcNow.AddDays(-1));
    }

    [Fact]
    public async Task A_reader_cannot_see_edit_delete_or_answer_another_readers_held_comment_by_guessing_its_id()
    {
        var article = await factory.CreateArticleAsync();
        var owner = await factory.ClientAsync(Roles.Reader);
        var text = "My held thought " + Guid.NewGuid();
        var id = await owner.PostAcceptedAsync(article, text);
        var other = await factory.ClientAsync(Roles.Reader);

        Assert.DoesNotContain(text, await (await other.Http.GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/comments/{id}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/comments/write?article={article.Slug}&reply={id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync($"/articles/{article.Slug}", [new("Body", "Hijacked")], $"/comments/{id}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync($"/articles/{article.Slug}", [], $"/comments/{id}/delete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync($"/articles/{article.Slug}", [], $"/comments/{id}/report")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostCommentAsync(article, "Answering a ghost " + Guid.NewGuid(), ("Input.ReplyToId", id.ToString()))).StatusCode);
        var c = await factory.CommentAsync(id);
        Assert.Equal((text, CommentState.Pending), (c.Body, c.State));
        Assert.Equal(0, c.OpenReports);

        // Not even an admin can edit a reader's words through the reader's page.
        var admin = await factory.ClientAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostFormAsync($"/articles/{article.Slug}", [new("Body", "Admin words")], $"/comments/{id}/edit")).StatusCode);
        // The owner can.
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/comments/{id}/edit")).StatusCode);
    }

    [Theory]
    [InlineData("/moderation")]
    [InlineData("/admin/audit")]
    [InlineData("/admin/rules")]
    public async Task Admin_pages_are_for_admins_only(string url)
    {
        var anonymous = await factory.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.ToString());
        foreach (var role in new[] { Roles.Reader, Roles.Editor })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await factory.ClientAsync(role)).Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ClientAsync(Roles.Admin)).Http.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Moderation_posts_are_refused_to_everyone_but_admins()
    {
        var article = await factory.CreateArticleAsync();
        var author = await factory.ClientAsync(Roles.Reader);
        var id = await author.PostAcceptedAsync(article, "Approve me myself " + Guid.NewGuid());
        var userId = (await factory.CommentAsync(id)).AuthorId;
        foreach (var role in new[] { Roles.Reader, Roles.Editor })
        {
            var client = await factory.ClientAsync(role);
            var post = (string url, (string, string)[] fields) => client.PostFormAsync($"/articles/{article.Slug}",
                fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), url);
            Assert.Equal(HttpStatusCode.Forbidden, (await post($"/moderation?handler=Approve&id={id}", [])).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await post("/moderation?handler=Ban", [("userId", userId)])).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await post("/admin/rules", [("Input.MaxLinks", "99")])).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostFormAsync($"/articles/{article.Slug}", [], $"/moderation?handler=Approve&id={id}")).StatusCode);
        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(id)).State);
        Assert.False(await factory.WithDbAsync(db => db.IsBannedAsync(userId)));
        Assert.Equal(2, (await factory.WithDbAsync(db => db.CommentRulesAsync())).MaxLinks);
    }

    [Fact]
    public async Task Anonymous_visitors_are_invited_to_sign_in_and_cannot_post()
    {
        var article = await factory.CreateArticleAsync();
        var page = FormClient.Parse(await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
        Assert.Null(page.QuerySelector("form[data-comment-form]"));
        Assert.Contains("Sign in to comment", page.QuerySelector(".comment-signin")!.TextContent);
        var post = await factory.Anonymous().PostAsync("/comments/write", new FormUrlEncodedContent([new("Input.ArticleId", article.Id.ToString()), new("Input.Body", "hi")]));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest);
        Assert.Equal(0, await factory.WithDbAsync(db => Task.FromResult(db.Set<Comment>().Count(c => c.ArticleId == article.Id))));
    }
}
