using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Comments;

/// <summary>Many readers posting at once: every accepted comment is stored exactly once, and limits hold.</summary>
public sealed class CommentConcurrencyTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private async Task<(List<FormClient> Readers, string Token)[]> ReadersAsync(int count, (int Id, string Slug) article) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var reader = await factory.ClientAsync(Roles.Reader);
            var token = (await reader.GetDocumentAsync($"/articles/{article.Slug}")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            return (new List<FormClient> { reader }, token);
        }));

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(FormClient reader, string token, (int Id, string Slug) article, string text)
    {
        var response = await reader.Http.PostAsync("/comments/write", new FormUrlEncodedContent([
            new("Input.ArticleId", article.Id.ToString()), new("Input.Body", text), new("__RequestVerificationToken", token)]));
        return (response.StatusCode, text);
    }

    [Fact]
    public async Task Two_hundred_comments_from_twenty_accounts_at_once_are_each_stored_exactly_once()
    {
        await factory.SetRulesAsync(r => { r.MinSecondsBetweenComments = 0; r.MaxCommentsPerHour = 0; r.MaxCommentsPerHourPerIp = 0; });
        var article = await factory.CreateArticleAsync();
        var readers = await ReadersAsync(20, article);
        var results = await Task.WhenAll(readers.SelectMany((r, i) => Enumerable.Range(0, 10)
            .Select(j => Task.Run(() => PostAsync(r.Readers[0], r.Token, article, $"Reader {i} says {j} {Guid.NewGuid()}")))));

        var accepted = results.Where(r => r.Status == HttpStatusCode.Redirect).Select(r => r.Text).ToList();
        Assert.Equal(200, accepted.Count);
        var stored = await factory.WithDbAsync(db => db.Set<Comment>().Where(c => c.ArticleId == article.Id).Select(c => c.Body).ToListAsync());
        Assert.Equal(accepted.Order(), stored.Order());
        Assert.Equal(200, await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().CountAsync(a => a.ArticleId == article.Id && a.Action == "posted")));
    }

    [Fact]
    public async Task The_per_account_flood_limit_holds_under_parallel_posts()
    {
        await factory.SetRulesAsync(r => { r.MinSecondsBetweenComments = 15; r.MaxCommentsPerHour = 10; r.MaxCommentsPerHourPerIp = 0; });
        var article = await factory.CreateArticleAsync();
        var readers = await ReadersAsync(20, article);
        var results = await Task.WhenAll(readers.SelectMany((r, i) => Enumerable.Range(0, 10)
            .Select(j => Task.Run(() => PostAsync(r.Readers[0], r.Token, article, $"Hurry {i} {j} {Guid.NewGuid()}")))));

        // Exactly one per account gets through the 15-second rule, however the requests interleave; the rest are 429.
        Assert.Equal(20, results.Count(r => r.Status == HttpStatusCode.Redirect));
        Assert.Equal(180, results.Count(r => r.Status == HttpStatusCode.TooManyRequests));
        var perAuthor = await factory.WithDbAsync(db => db.Set<Comment>().Where(c => c.ArticleId == article.Id)
            .GroupBy(c => c.AuthorId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(20, perAuthor.Count);
        Assert.All(perAuthor, n => Assert.Equal(1, n));
    }
}
