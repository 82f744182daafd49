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
    public const string FieldRightsSource = "rights-source", FieldUsageTerms = "usage-terms", FieldWebStatement = "web-statement",
        FieldValidFrom = "valid-from", FieldValidUntil = "valid-until", FieldEditorialOnly = "editorial-only";
    /// <summary>The rights fields a file can prefill (never the category: a file cannot grant us the right to publish).</summary>
    public static readonly string[] RightsFields = [FieldRightsSource, FieldUsageTerms, FieldWebStatement, FieldValidFrom, FieldValidUntil, FieldEditorialOnly];

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
    public static PhotoFileFacts Prefill(Photo photo, FileMetadata meta, UploadExtras? extras, TimeZoneInfo? zone = null)
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
        PrefillRights(photo, meta, zone ?? TimeZoneInfo.Utc, facts.FromFile);
        facts.Copyright = Clip(meta.Copyright ?? photo.ExifCopyright, 300);
        facts.Headline = Clip(meta.Headline, 300);
        facts.Keywords = Clip(meta.Keywords.Count == 0 ? null : string.Join("; ", meta.Keywords), 1000);
        facts.ExtendedDescription = Clip(meta.ExtendedDescription, 2000);
        return facts;
    }

    /// <summary>
    /// The rights a file states (docs/galleries.md, "Rights"): source from PLUS Licensor / Image Supplier, else
    /// photoshop:Source / IIM Source; usage terms from xmpRights:UsageTerms and the special instructions (2:40);
    /// the licence URL from xmpRights:WebStatement; valid from / until from IIM Release (2:30/2:35) and Expiration
    /// (2:37/2:38) — a date without a time is the whole day in the site's zone; "Editorial use only" when the terms say so.
    /// </summary>
    internal static void PrefillRights(Photo photo, FileMetadata meta, TimeZoneInfo zone, List<string> fromFile)
    {
        void Set(string field, string? value, int max, Action<string> assign)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            assign(value.Length > max ? value[..max] : value);
            fromFile.Add(field);
        }
        Set(FieldRightsSource, meta.Supplier ?? meta.Source, 120, v => photo.RightsSource = v);
        var terms = string.Join(" — ", new[] { meta.UsageTerms, meta.Instructions }.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.OrdinalIgnoreCase));
        Set(FieldUsageTerms, terms, 2000, v => photo.UsageTerms = v);
        if (meta.WebStatement is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
            Set(FieldWebStatement, url, 500, v => photo.WebStatement = v);
        if (meta.ReleaseAt is { } from)
        {
            photo.ValidFrom = ToUtc(from, zone, endOfDay: false);
            fromFile.Add(FieldValidFrom);
        }
        if (meta.ExpiresAt is { } until)
        {
            photo.ValidUntil = ToUtc(until, zone, endOfDay: true);
            fromFile.Add(FieldValidUntil);
        }
        if (terms.Contains("editorial use only", StringComparison.OrdinalIgnoreCase) || terms.Contains("editorial only", StringComparison.OrdinalIgnoreCase))
        {
            photo.EditorialOnly = true;
            fromFile.Add(FieldEditorialOnly);
        }
    }

    /// <summary>An IIM moment in UTC; a date alone starts at midnight (from) or ends at the next midnight (until), site time.</summary>
    public static DateTimeOffset ToUtc(IptcMoment m, TimeZoneInfo zone, bool endOfDay)
    {
        if (m.Time is { } t && m.Offset is { } offset) return new DateTimeOffset(m.Date.ToDateTime(t), offset).ToUniversalTime();
        var local = m.Time is { } lt ? m.Date.ToDateTime(lt) : m.Date.ToDateTime(TimeOnly.MinValue).AddDays(endOfDay ? 1 : 0);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
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
