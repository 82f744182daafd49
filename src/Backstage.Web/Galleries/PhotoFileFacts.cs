using Backstage.Media;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Galleries;

/// <summary>What an upload brings besides its pixels: an XMP sidecar matched by base name, and the batch it arrived in.</summary>
public sealed record UploadExtras(byte[]? SidecarXmp = null, Guid? BatchId = null);

/// <summary>
/// Desk-only facts about a photo's file (one row per photo): which public fields were prefilled from its IPTC/XMP
/// (the editor sees a "from file" marker on them), what else the file said (copyright, headline, keywords, extended
/// description), the upload batch (for "as shot" ordering) and the perceptual hash computed while rendering (for
/// "looks like #12"). Never read by reader pages.
/// </summary>
public sealed class PhotoFileFacts
{
    public const string FieldCredit = "credit", FieldAgency = "agency", FieldCaption = "caption", FieldAlt = "alt";

    public int PhotoId { get; set; }
    public Photo? Photo { get; set; }
    /// <summary>Public fields whose value came from the file: <see cref="FieldCredit"/>, <see cref="FieldAgency"/>, …</summary>
    public List<string> FromFile { get; set; } = [];
    public string? Copyright { get; set; }
    public string? Headline { get; set; }
    public string? Keywords { get; set; }
    public string? ExtendedDescription { get; set; }
    public Guid? BatchId { get; set; }
    /// <summary>dHash of the smallest rendition (<see cref="PerceptualHash"/>); null until the first render.</summary>
    public long? PerceptualHash { get; set; }

    /// <summary>
    /// Fills the photo's credit (IPTC By-line / dc:creator, else EXIF Artist), agency (Credit Line, else Source),
    /// caption and alt text from <paramref name="meta"/>, and returns the facts row naming what came from the file.
    /// </summary>
    public static PhotoFileFacts Prefill(Photo photo, FileMetadata meta, UploadExtras? extras)
    {
        var facts = new PhotoFileFacts { Photo = photo, BatchId = extras?.BatchId };
        void Set(string field, string? value, int max, Action<string> assign)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            assign(value.Length > max ? value[..max] : value);
            facts.FromFile.Add(field);
        }
        Set(FieldCredit, meta.Creator ?? photo.ExifCreator, 120, v => photo.Credit = v);
        Set(FieldAgency, meta.CreditLine ?? meta.Source, 120, v => photo.Agency = v);
        Set(FieldCaption, meta.Caption, 1000, v => photo.Caption = v);
        Set(FieldAlt, meta.AltText, 500, v => photo.AltText = v);
        facts.Copyright = Clip(meta.Copyright ?? photo.ExifCopyright, 300);
        facts.Headline = Clip(meta.Headline, 300);
        facts.Keywords = Clip(meta.Keywords.Count == 0 ? null : string.Join("; ", meta.Keywords), 1000);
        facts.ExtendedDescription = Clip(meta.ExtendedDescription, 2000);
        return facts;
    }

    private static string? Clip(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;
}

internal sealed class PhotoFileFactsConfiguration : IEntityTypeConfiguration<PhotoFileFacts>
{
    public void Configure(EntityTypeBuilder<PhotoFileFacts> b)
    {
        b.ToTable("photo_file_facts");
        b.HasKey(f => f.PhotoId);
        b.HasOne(f => f.Photo).WithOne().HasForeignKey<PhotoFileFacts>(f => f.PhotoId).OnDelete(DeleteBehavior.Cascade);
        b.Property(f => f.Copyright).HasMaxLength(300);
        b.Property(f => f.Headline).HasMaxLength(300);
        b.Property(f => f.Keywords).HasMaxLength(1000);
        b.Property(f => f.ExtendedDescription).HasMaxLength(2000);
        b.HasIndex(f => f.BatchId);
    }
}
