using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Comments;

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> b)
    {
        b.ToTable("comments");
        b.Property(c => c.Body).HasMaxLength(Comment.MaxLength);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.PhotoLabel).HasMaxLength(200);
        b.Property(c => c.IpHash).HasMaxLength(64);
        b.HasOne(c => c.Article).WithMany().HasForeignKey(c => c.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(c => c.Author).WithMany().HasForeignKey(c => c.AuthorId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Comment>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Comment>().WithMany().HasForeignKey(c => c.ReplyToId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Photo>().WithMany().HasForeignKey(c => c.PhotoId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => new { c.ArticleId, c.State, c.CreatedAt });
        b.HasIndex(c => new { c.AuthorId, c.CreatedAt });
        b.HasIndex(c => new { c.IpHash, c.CreatedAt });
        b.HasIndex(c => new { c.State, c.StateChangedAt });
        b.HasIndex(c => c.OpenReports).HasFilter("open_reports > 0");
    }
}

internal sealed class CommentReportConfiguration : IEntityTypeConfiguration<CommentReport>
{
    public void Configure(EntityTypeBuilder<CommentReport> b)
    {
        b.ToTable("comment_reports");
        b.Property(r => r.Reason).HasMaxLength(500);
        b.HasOne<Comment>().WithMany().HasForeignKey(r => r.CommentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(r => r.ReporterId).OnDelete(DeleteBehavior.Cascade);
        // "Once each": the database refuses a second report by the same reader, even from two nodes at once.
        b.HasIndex(r => new { r.CommentId, r.ReporterId }).IsUnique();
    }
}

internal sealed class CommentAuditConfiguration : IEntityTypeConfiguration<CommentAuditEntry>
{
    public void Configure(EntityTypeBuilder<CommentAuditEntry> b)
    {
        b.ToTable("comment_audit");
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(32);
        b.Property(a => a.Reason).HasMaxLength(1000);
        b.Property(a => a.FromState).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.ToState).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(a => a.At);
        b.HasIndex(a => a.CommentId);
        b.HasIndex(a => a.SubjectUserId);
    }
}

internal sealed class CommentRulesConfiguration : IEntityTypeConfiguration<CommentRules>
{
    public void Configure(EntityTypeBuilder<CommentRules> b)
    {
        b.ToTable("comment_rules");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.ModerationWords).HasMaxLength(20000);
        b.Property(r => r.BlockWords).HasMaxLength(20000);
    }
}
