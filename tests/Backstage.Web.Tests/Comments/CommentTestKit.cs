using System.Net;
using System.Text.RegularExpressions;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>A clock tests move by hand (edit window, flood interval, trash retention) instead of sleeping.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    public override DateTimeOffset GetUtcNow() { lock (this) return _now; }
    public void Advance(TimeSpan by) { lock (this) _now += by; }
}

/// <summary>The app with a <see cref="ManualClock"/> in place of the system clock.</summary>
public class ClockFactory : BackstageFactory
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
}

public static partial class CommentTestKit
{
    [GeneratedRegex(@"#comment-(\d+)")] private static partial Regex CommentAnchor();

    /// <summary>A published article with a unique slug; returns (id, slug).</summary>
    public static Task<(int Id, string Slug)> CreateArticleAsync(this BackstageFactory factory, DateTimeOffset? now = null) => factory.WithDbAsync(async db =>
    {
        var slug = "comments-" + Guid.NewGuid().ToString("N")[..10];
        var article = new Article { Title = "Backstage " + slug, Slug = slug, Body = "Hairspray.", Status = ArticleStatus.Published, PublishAt = (now ?? DateTimeOffset.UtcNow).AddHours(-1) };
        db.Add(article);
        await db.SaveChangesAsync();
        return (article.Id, slug);
    });

    /// <summary>Posts the article page's comment form (no JavaScript) with the given extra fields.</summary>
    public static Task<HttpResponseMessage> PostCommentAsync(this FormClient client, (int Id, string Slug) article, string body, params (string, string)[] extra)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Input.ArticleId", article.Id.ToString()), new("Input.Body", body), new("Input.Website", "") };
        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)));
        return client.PostFormAsync($"/articles/{article.Slug}", fields, "/comments/write");
    }

    /// <summary>Posts and expects acceptance; returns the new comment's id (from the redirect's #comment-N).</summary>
    public static async Task<long> PostAcceptedAsync(this FormClient client, (int Id, string Slug) article, string body, params (string, string)[] extra)
    {
        var response = await client.PostCommentAsync(article, body, extra);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)response.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        return long.Parse(CommentAnchor().Match(response.Headers.Location!.ToString()).Groups[1].Value);
    }

    public static Task<Comment> CommentAsync(this BackstageFactory factory, long id) =>
        factory.WithDbAsync(db => db.Set<Comment>().AsNoTracking().SingleAsync(c => c.Id == id));

    public static Task<List<CommentAuditEntry>> AuditAsync(this BackstageFactory factory, long commentId) =>
        factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AsNoTracking().Where(a => a.CommentId == commentId).OrderBy(a => a.Id).ToListAsync());

    /// <summary>Posts to a moderation handler with an admin's antiforgery token (taken from the always-present rules form).</summary>
    public static Task<HttpResponseMessage> ModerateAsync(this FormClient admin, string handlerUrl, params (string, string)[] fields) =>
        admin.PostFormAsync("/admin/rules", fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), handlerUrl);

    public static async Task SetRulesAsync(this BackstageFactory factory, Action<CommentRules> change)
    {
        await factory.WithDbAsync(async db =>
        {
            var rules = await db.Set<CommentRules>().FirstOrDefaultAsync(r => r.Id == 1);
            if (rules is null) { rules = new CommentRules(); db.Add(rules); }
            change(rules);
            await db.SaveChangesAsync();
        });
    }

    /// <summary>A reader who already has an approved comment (so the first-comment hold no longer applies).</summary>
    public static async Task<FormClient> TrustedReaderAsync(this ClockFactory factory, (int Id, string Slug) article)
    {
        var reader = await factory.ClientAsync(Roles.Reader);
        var id = await reader.PostAcceptedAsync(article, "First words " + Guid.NewGuid());
        await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentModeration>()
            .ModerateAsync([id], ModerationDecision.Approve, Actor.Rule("test setup")));
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        return reader;
    }

    public static string RandomWord(int length = 8)
    {
        const string letters = "bcdfghjkmnpqrtvwxz"; // no vowels or l/i: folding them cannot make two random words meet
        return new string(Enumerable.Range(0, length).Select(_ => letters[Random.Shared.Next(letters.Length)]).ToArray());
    }
}
