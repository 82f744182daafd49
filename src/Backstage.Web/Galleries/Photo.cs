using Backstage.Web.Shows;

namespace Backstage.Web.Galleries;

public enum PhotoStatus { Processing = 0, Ready = 1, Failed = 2 }

/// <summary>Why a photo was taken down (a reason is required; the note says more).</summary>
public enum TakedownReason { PhotographerRequest = 1, ModelRequest = 2, Rights = 3, Other = 4 }

/// <summary>
/// One photograph in a show's gallery. The uploaded original is private (content-addressed by <see cref="Sha256"/>);
/// readers only ever get renditions, and only when the photo is published, passes the gate and its show is live
/// (see <see cref="GalleryVisibility"/>). Uploads arrive unpublished.
/// </summary>
public sealed class Photo
{
    public int Id { get; set; }
    public int ShowId { get; set; }
    public Show? Show { get; set; }
    /// <summary>Order in the gallery, 1-based after every change.</summary>
    public int Position { get; set; }
    public string Sha256 { get; set; } = "";
    /// <summary>As uploaded; only ever shown HTML-encoded.</summary>
    public string OriginalFileName { get; set; } = "";
    public long OriginalBytes { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public string Format { get; set; } = "";
    public string? Caption { get; set; }
    public string? AltText { get; set; }
    /// <summary>Purely decorative: rendered with alt="" and needs no alt text.</summary>
    public bool Decorative { get; set; }
    public string? Credit { get; set; }
    public string? Agency { get; set; }
    public double FocalX { get; set; } = 0.5;
    public double FocalY { get; set; } = 0.5;
    /// <summary>The focal key whose crops exist; crops are served from this variant while a new one renders.</summary>
    public string? RenderedFocalKey { get; set; }
    public PhotoStatus Status { get; set; }
    public string? LastError { get; set; }
    public string? PlaceholderDataUri { get; set; }
    public string? DominantColor { get; set; }
    public DateTimeOffset? CapturedAt { get; set; }
    public string? Camera { get; set; }
    public string? ExifCreator { get; set; }
    public string? ExifCopyright { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }
    /// <summary>When an editor published it; null = unpublished (readers never see it).</summary>
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>
    /// When an editor unpublished it on purpose; null = never published, or published since. Bulk publishing ("Publish all
    /// ready", "Publish its ready photos too" from an article) skips such a photo: only publishing it by name clears this.
    /// </summary>
    public DateTimeOffset? UnpublishedAt { get; set; }
    public bool HeldBack => PublishedAt is null && UnpublishedAt is not null;
    /// <summary>Taken down: renditions deleted, media URLs answer 410, the original sits in quarantine until restored or purged.</summary>
    public DateTimeOffset? TakenDownAt { get; set; }
    public TakedownReason? TakedownReason { get; set; }
    public string? TakedownNote { get; set; }
    public string? TakenDownBy { get; set; }
    public List<Rendition> Renditions { get; set; } = [];

    // Rights (Galleries/PhotoRights.cs). Usage terms and the desk note are desk-only: never in a public byte.
    public RightsCategory RightsCategory { get; set; }
    /// <summary>The agency or brand the photo comes from.</summary>
    public string? RightsSource { get; set; }
    public string? UsageTerms { get; set; }
    /// <summary>The licence's web statement (xmpRights:WebStatement): JSON-LD "license".</summary>
    public string? WebStatement { get; set; }
    /// <summary>Before this instant the photo is held back like an embargo.</summary>
    public DateTimeOffset? ValidFrom { get; set; }
    /// <summary>From this instant the licence has expired: the photo leaves every public surface.</summary>
    public DateTimeOffset? ValidUntil { get; set; }
    public bool NoSocial { get; set; }
    public bool NotInNewsletters { get; set; }
    public bool NotInSearch { get; set; }
    public bool EditorialOnly { get; set; }
    public string? RightsNote { get; set; }
    /// <summary>When the expiry job (<see cref="RightsExpiry"/>) recorded that <see cref="ValidUntil"/> passed; cleared by "Extend licence".</summary>
    public DateTimeOffset? LicenceExpiredAt { get; set; }
    public bool LicenceExpired(DateTimeOffset now) => ValidUntil is { } until && until <= now;

    /// <summary>The photo's own page on the reader's site: /shows/{slug}/photos/{position}.</summary>
    public static string PageUrl(string showSlug, int position) =>
        $"/shows/{showSlug}/photos/{position.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>"f500-300": the focal point in thousandths; part of every crop's URL so moving it makes new files.</summary>
    public string FocalKey => FocalKeyFor(FocalX, FocalY);

    public static string FocalKeyFor(double x, double y) =>
        FormattableString.Invariant($"f{(int)Math.Round(Math.Clamp(x, 0, 1) * 1000)}-{(int)Math.Round(Math.Clamp(y, 0, 1) * 1000)}");

    public bool NeedsAlt => !Decorative && string.IsNullOrWhiteSpace(AltText);
    public bool NeedsCredit => string.IsNullOrWhiteSpace(Credit);
    public bool IsTakenDown => TakenDownAt is not null;

    /// <summary>The publishing gate, one photo: why it may not reach a reader (empty when it may).</summary>
    public IReadOnlyList<string> GateProblems(DateTimeOffset now, Func<DateTimeOffset, string>? format = null)
    {
        var issues = new List<string>();
        if (IsTakenDown) issues.Add("taken down (restore it first)");
        if (Status == PhotoStatus.Processing) issues.Add("still processing");
        if (Status == PhotoStatus.Failed) issues.Add($"failed to process ({LastError}) — retry or delete it");
        if (NeedsAlt) issues.Add("no alt text (describe it, or mark it decorative)");
        if (NeedsCredit) issues.Add("no photographer credit");
        issues.AddRange(Rights.Problems(this, now, format ?? (t => t.ToString("u"))));
        return issues;
    }

    /// <summary>"Name / Agency" (JSON-LD creditText), or null without a credit.</summary>
    public string? CreditName => string.IsNullOrWhiteSpace(Credit) ? null
        : Credit!.Trim() + (string.IsNullOrWhiteSpace(Agency) ? "" : " / " + Agency!.Trim());

    /// <summary>
    /// The public credit line from the rights: "Courtesy of Isabel Marant" for a handout (its source, else the credit),
    /// otherwise "Photo: Name / Agency"; null without a credit.
    /// </summary>
    public string? CreditLine => RightsCategory == RightsCategory.Handout && (Clean(RightsSource) ?? Clean(Agency) ?? Clean(Credit)) is { } brand
        ? "Courtesy of " + brand
        : CreditName is { } name ? "Photo: " + name : null;

    /// <summary>JSON-LD copyrightNotice: "© Name / Agency", or the brand for a handout.</summary>
    public string? CopyrightNotice => RightsCategory == RightsCategory.Handout && (Clean(RightsSource) ?? Clean(Agency)) is { } brand
        ? "© " + brand
        : CreditName is { } name ? "© " + name : null;

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>
/// One derived file of a photo. <see cref="Spec"/> is the URL path under /media/{photoId}/ and the file path under the
/// photo's rendition folder: "w1280.webp" for widths, "f500-300/fill-1600x900.jpg" for crops (focal key included).
/// Unique per (photo, spec): rendering again updates, never duplicates.
/// </summary>
public sealed class Rendition
{
    public long Id { get; set; }
    public int PhotoId { get; set; }
    public Photo? Photo { get; set; }
    public string Spec { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public long Bytes { get; set; }
    public string ContentType { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>Per-show gallery state: the cover photo. What readers see is decided per show and per photo.</summary>
public sealed class Gallery
{
    public int ShowId { get; set; }
    public Show? Show { get; set; }
    public int? CoverPhotoId { get; set; }
    public Photo? CoverPhoto { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
