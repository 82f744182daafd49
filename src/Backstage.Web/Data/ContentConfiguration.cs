using Backstage.Web.Articles;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Data;

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.Property(a => a.Title).HasMaxLength(200);
        b.Property(a => a.Slug).HasMaxLength(120);
        b.HasIndex(a => a.Slug).IsUnique();
        b.Property(a => a.Standfirst).HasMaxLength(600);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(a => new { a.Status, a.PublishAt });
        b.Property(a => a.Version).IsRowVersion();
        b.HasOne(a => a.Author).WithMany().HasForeignKey(a => a.AuthorId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ShowConfiguration : IEntityTypeConfiguration<Show>
{
    public void Configure(EntityTypeBuilder<Show> b)
    {
        b.Property(s => s.Designer).HasMaxLength(120);
        b.Property(s => s.Season).HasMaxLength(60);
        b.Property(s => s.City).HasMaxLength(60);
        b.Property(s => s.Slug).HasMaxLength(120);
        b.HasIndex(s => s.Slug).IsUnique();
        b.Property(s => s.Description).HasMaxLength(2000);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Version).IsRowVersion();
        b.Ignore(s => s.Title);
        b.Ignore(s => s.LiveAt);
        b.Ignore(s => s.InLiveCoverage);
    }
}
