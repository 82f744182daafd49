using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Articles;

public static class ArticleQueries
{
    /// <summary>What readers may see: not a draft, and its publish time has come (scheduled ones appear by themselves).</summary>
    public static IQueryable<Article> Live(this IQueryable<Article> articles, DateTimeOffset now) =>
        articles.Where(a => a.Status != ArticleStatus.Draft && a.PublishAt <= now);

    public static Task<Article?> FindLiveAsync(this BackstageDbContext db, string slug, DateTimeOffset now, CancellationToken ct = default) =>
        db.Articles.AsNoTracking().Include(a => a.Author).Live(now).FirstOrDefaultAsync(a => a.Slug == slug, ct);
}
