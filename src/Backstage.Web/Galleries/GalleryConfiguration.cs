using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Galleries;

internal sealed class PhotoConfiguration : IEntityTypeConfiguration<Photo>
{
    public void Configure(EntityTypeBuilder<Photo> b)
    {
        b.ToTable("photos");
        b.HasOne(p => p.Show).WithMany().HasForeignKey(p => p.ShowId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.ShowId, p.Position });
        // The same bytes once per gallery; another show may reuse the stored original.
        b.HasIndex(p => new { p.ShowId, p.Sha256 }).IsUnique();
        b.Property(p => p.Sha256).HasMaxLength(64).IsFixedLength();
        b.Property(p => p.OriginalFileName).HasMaxLength(255);
        b.Property(p => p.Format).HasMaxLength(8);
        b.Property(p => p.Caption).HasMaxLength(1000);
        b.Property(p => p.AltText).HasMaxLength(500);
        b.Property(p => p.Credit).HasMaxLength(120);
        b.Property(p => p.Agency).HasMaxLength(120);
        b.Property(p => p.RenderedFocalKey).HasMaxLength(20);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.LastError).HasMaxLength(2000);
        b.Property(p => p.PlaceholderDataUri).HasMaxLength(8000);
        b.Property(p => p.DominantColor).HasMaxLength(16);
        b.Property(p => p.Camera).HasMaxLength(200);
        b.Property(p => p.ExifCreator).HasMaxLength(200);
        b.Property(p => p.ExifCopyright).HasMaxLength(300);
        b.Property(p => p.Version).IsRowVersion();
        b.Property(p => p.TakedownReason).HasConversion<string>().HasMaxLength(32);
        b.Property(p => p.TakedownNote).HasMaxLength(1000);
        b.Property(p => p.TakenDownBy).HasMaxLength(256);
        b.Property(p => p.RightsCategory).HasConversion<string>().HasMaxLength(24);
        b.Property(p => p.RightsSource).HasMaxLength(120);
        b.Property(p => p.UsageTerms).HasMaxLength(2000);
        b.Property(p => p.WebStatement).HasMaxLength(500);
        b.Property(p => p.RightsNote).HasMaxLength(1000);
        b.HasIndex(p => p.ValidUntil); // the Rights page's "Expiring in 7 days" and the expiry job
        b.Ignore(p => p.CopyrightNotice);
        b.Ignore(p => p.IsTakenDown);
        b.Ignore(p => p.FocalKey);
        b.Ignore(p => p.NeedsAlt);
        b.Ignore(p => p.NeedsCredit);
        b.Ignore(p => p.CreditName);
        b.Ignore(p => p.CreditLine);
    }
}

internal sealed class RenditionConfiguration : IEntityTypeConfiguration<Rendition>
{
    public void Configure(EntityTypeBuilder<Rendition> b)
    {
        b.ToTable("renditions");
        b.HasOne(r => r.Photo).WithMany(p => p.Renditions).HasForeignKey(r => r.PhotoId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Spec).HasMaxLength(80);
        b.HasIndex(r => new { r.PhotoId, r.Spec }).IsUnique();
        b.Property(r => r.ContentType).HasMaxLength(40);
    }
}

internal sealed class GalleryConfiguration : IEntityTypeConfiguration<Gallery>
{
    public void Configure(EntityTypeBuilder<Gallery> b)
    {
        b.ToTable("galleries");
        b.HasKey(g => g.ShowId);
        b.HasOne(g => g.Show).WithOne().HasForeignKey<Gallery>(g => g.ShowId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(g => g.CoverPhoto).WithMany().HasForeignKey(g => g.CoverPhotoId).OnDelete(DeleteBehavior.SetNull);
    }
}
