using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Articles;

/// <summary>
/// One gallery an article really embeds ("::: gallery slug" as the Markdown parser sees it — not inside a code fence).
/// Written on every save of the article; "where is this photo used", the photo page's stories and delete refusals read it,
/// so nothing matches Markdown with SQL text search. Keyed by slug: an article may name a show created later.
/// </summary>
public sealed class ArticleGallery
{
    public int ArticleId { get; set; }
    public Article? Article { get; set; }
    public string ShowSlug { get; set; } = "";
}

public static class ArticleEmbeds
{
    /// <summary>Replaces the article's embed rows with what its body embeds now (saved with the caller's SaveChanges).</summary>
    public static async Task RecordAsync(BackstageDbContext db, Article article, CancellationToken ct)
    {
        var slugs = MarkdownRenderer.GallerySlugs(article.Body);
        var rows = db.Set<ArticleGallery>();
        var existing = article.Id == 0 ? [] : await rows.Where(e => e.ArticleId == article.Id).ToListAsync(ct);
        rows.RemoveRange(existing.Where(e => !slugs.Contains(e.ShowSlug)));
        foreach (var slug in slugs.Where(s => existing.All(e => e.ShowSlug != s)))
            rows.Add(new ArticleGallery { Article = article, ShowSlug = slug });
    }

    /// <summary>Articles (any state) whose body embeds the show <paramref name="slug"/>.</summary>
    public static IQueryable<Article> Embedding(this IQueryable<Article> articles, BackstageDbContext db, string slug) =>
        articles.Where(a => db.Set<ArticleGallery>().Any(e => e.ArticleId == a.Id && e.ShowSlug == slug));
}

internal sealed class ArticleGalleryConfiguration : IEntityTypeConfiguration<ArticleGallery>
{
    public void Configure(EntityTypeBuilder<ArticleGallery> b)
    {
        b.ToTable("article_galleries");
        b.HasKey(e => new { e.ArticleId, e.ShowSlug });
        b.Property(e => e.ShowSlug).HasMaxLength(120);
        b.HasIndex(e => e.ShowSlug);
        b.HasOne(e => e.Article).WithMany().HasForeignKey(e => e.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}
