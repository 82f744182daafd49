using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Ingest;

/// <summary>How a new batch is placed in the gallery: by capture time (default), by file name, or as the files arrived.</summary>
public enum IngestOrder { AsShot = 0, FileName = 1, Manual = 2 }

/// <summary>Open while bytes arrive; Completing while its completion job runs; Done (results kept) or Failed (the reason kept).</summary>
public enum UploadState { Open = 0, Completing = 1, Done = 2, Failed = 3 }

/// <summary>
/// One resumable upload (see docs/galleries.md, "Ingest"): the declared size and SHA-256, the offset the server has
/// confirmed, and once done the per-file result lines (JSON), so a second tab or a retried "complete" reads the same
/// answer. The confirmed chunks are objects of the media store, "ingest/&lt;id&gt;/&lt;offset&gt;" (see <see cref="ResumableUploads"/>).
/// </summary>
public sealed class ResumableUpload
{
    public Guid Id { get; set; }
    public int ShowId { get; set; }
    public Show? Show { get; set; }
    public string FileName { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public long Offset { get; set; }
    /// <summary>A ZIP of photos (unpacked on completion) rather than one photo.</summary>
    public bool IsArchive { get; set; }
    public byte[]? SidecarXmp { get; set; }
    public Guid? BatchId { get; set; }
    public IngestOrder Order { get; set; }
    public UploadState State { get; set; }
    public string? ResultJson { get; set; }
    /// <summary>The account that started it (counted against <see cref="IngestOptions.MaxOpenUploadsPerEditor"/>); null on rows from before.</summary>
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A photographer or agency the desk credits often: applied to selected photos in one step.</summary>
public sealed class CreditPreset
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Agency { get; set; }
    /// <summary>What goes in the photo's credit; the name when empty.</summary>
    public string? CreditLine { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    // Rights defaults (issue 19): applying the preset sets them; null / false = leave the photo's own.
    public Galleries.RightsCategory? RightsCategory { get; set; }
    /// <summary>"Valid until" = the photo's upload time + this many days.</summary>
    public int? ValidDays { get; set; }
    public bool NoSocial { get; set; }
    public bool NotInNewsletters { get; set; }
    public bool NotInSearch { get; set; }
    public bool EditorialOnly { get; set; }

    /// <summary>What applying this preset changes in a photo's rights (null when it has no rights defaults). Source = the agency, else the name.</summary>
    public Galleries.RightsChange? RightsChange() =>
        RightsCategory is null && ValidDays is null && !NoSocial && !NotInNewsletters && !NotInSearch && !EditorialOnly ? null : new()
        {
            Category = RightsCategory, Source = RightsCategory is null ? null : new(Agency ?? Name), ValidDaysFromUpload = ValidDays,
            NoSocial = NoSocial ? true : null, NotInNewsletters = NotInNewsletters ? true : null, NotInSearch = NotInSearch ? true : null,
            EditorialOnly = EditorialOnly ? true : null,
        };
}

internal sealed class ResumableUploadConfiguration : IEntityTypeConfiguration<ResumableUpload>
{
    public void Configure(EntityTypeBuilder<ResumableUpload> b)
    {
        b.ToTable("resumable_uploads");
        b.HasOne(u => u.Show).WithMany().HasForeignKey(u => u.ShowId).OnDelete(DeleteBehavior.Cascade);
        b.Property(u => u.FileName).HasMaxLength(255);
        b.Property(u => u.Sha256).HasMaxLength(64).IsFixedLength();
        b.Property(u => u.Order).HasConversion<string>().HasMaxLength(16);
        b.Property(u => u.State).HasConversion<string>().HasMaxLength(16);
        // Two tabs (or two editors) sending the same file to the same show share one upload.
        b.HasIndex(u => new { u.ShowId, u.Sha256, u.Size }).IsUnique().HasFilter("state = 'Open'");
        b.HasIndex(u => u.UpdatedAt);
        b.Property(u => u.CreatedBy).HasMaxLength(450);
        b.HasIndex(u => new { u.CreatedBy, u.State });
    }
}

internal sealed class CreditPresetConfiguration : IEntityTypeConfiguration<CreditPreset>
{
    public void Configure(EntityTypeBuilder<CreditPreset> b)
    {
        b.ToTable("credit_presets");
        b.Property(p => p.Name).HasMaxLength(120);
        b.Property(p => p.Agency).HasMaxLength(120);
        b.Property(p => p.CreditLine).HasMaxLength(120);
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.RightsCategory).HasConversion<string>().HasMaxLength(24);
    }
}
