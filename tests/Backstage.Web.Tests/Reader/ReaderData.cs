using Backstage.Web.Articles;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Reader;

/// <summary>Unique test content for the reader's-site tests.</summary>
public static class ReaderData
{
    /// <summary>A made-up word (letters only) no other test uses, so searches and lists see only this test's rows.</summary>
    public static string Word() => "zq" + new string(Guid.NewGuid().ToString("N")[..12].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))).ToArray());

    public static Task<Article> ArticleAsync(this BackstageFactory factory, string title, string body = "Some words.", string? standfirst = null,
        ArticleStatus status = ArticleStatus.Published, DateTimeOffset? publishAt = null) =>
        factory.WithDbAsync(async db =>
        {
            var article = new Article
            {
                Title = title, Slug = Slugs.From(title) + "-" + Guid.NewGuid().ToString("N")[..6], Body = body, Standfirst = standfirst,
                Status = status, PublishAt = status == ArticleStatus.Draft ? null : publishAt ?? DateTimeOffset.UtcNow.AddMinutes(-1),
            };
            db.Articles.Add(article);
            await ArticleEmbeds.RecordAsync(db, article, default);
            await db.SaveChangesAsync();
            return article;
        });

    /// <summary>A show, Published (live) unless told otherwise.</summary>
    public static Task<Show> ShowAsync(this BackstageFactory factory, string designer, string? description = null, string season = "Fall/Winter 2025", string city = "Paris",
        ShowStatus status = ShowStatus.Published) =>
        factory.WithDbAsync(async db =>
        {
            var show = new Show
            {
                Designer = designer, Season = season, City = city, Date = new DateOnly(2025, 3, 4), Description = description,
                Slug = Slugs.From(designer) + "-" + Guid.NewGuid().ToString("N")[..6],
                Status = status, PublishAt = status == ShowStatus.Draft ? null : DateTimeOffset.UtcNow.AddMinutes(-1),
            };
            db.Shows.Add(show);
            await db.SaveChangesAsync();
            return show;
        });
}
