using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Articles;

/// <summary>What an article looked like after one save: every save (and every restore) adds one; none is ever changed.</summary>
public sealed class ArticleRevision
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    public Article? Article { get; set; }
    public string Title { get; set; } = "";
    public string? Standfirst { get; set; }
    public string Body { get; set; } = "";
    public ArticleStatus Status { get; set; }
    public DateTimeOffset? PublishAt { get; set; }
    public string? AuthorId { get; set; }
    public string AuthorName { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>"Restored revision 3", or null for an ordinary save.</summary>
    public string? Note { get; set; }

    public static ArticleRevision Of(Article a, string? authorId, string authorName, DateTimeOffset at, string? note = null) => new()
    {
        Article = a, Title = a.Title, Standfirst = a.Standfirst, Body = a.Body, Status = a.Status, PublishAt = a.PublishAt,
        AuthorId = authorId, AuthorName = authorName, At = at, Note = note,
    };
}

internal sealed class ArticleRevisionConfiguration : IEntityTypeConfiguration<ArticleRevision>
{
    public void Configure(EntityTypeBuilder<ArticleRevision> b)
    {
        b.ToTable("article_revisions");
        b.Property(r => r.Title).HasMaxLength(200);
        b.Property(r => r.Standfirst).HasMaxLength(600);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.AuthorName).HasMaxLength(256);
        b.Property(r => r.Note).HasMaxLength(200);
        b.HasIndex(r => new { r.ArticleId, r.Id });
        b.HasOne(r => r.Article).WithMany().HasForeignKey(r => r.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}
