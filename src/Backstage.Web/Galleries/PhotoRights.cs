namespace Backstage.Web.Galleries;

/// <summary>
/// Who may use a photo (docs/galleries.md, "Rights"). New uploads are <see cref="NoRights"/> unless prefilled (the site's
/// <c>Backstage:NewPhotoRights</c> setting, a credit preset, the file); a "No rights" photo never reaches a reader.
/// </summary>
public enum RightsCategory
{
    NoRights = 0,
    Staff = 1,
    Commissioned = 2,
    Agency = 3,
    Handout = 4,
    Social = 5,
    ReaderSubmitted = 6,
}

/// <summary>The public surfaces a restriction can deny. Deny wins: a photo is on a surface only if no flag forbids it.</summary>
public enum Surface
{
    /// <summary>Show pages, photo pages, embeds, the feed, media.</summary>
    Page,
    /// <summary>og:image, twitter:image, share-link images, JSON-LD image.</summary>
    Social,
    /// <summary>Newsletter issues (read by the newsletter feature).</summary>
    Newsletter,
    /// <summary>The image sitemap and search results' thumbnails.</summary>
    Search,
}

public static class Rights
{
    /// <summary>The labels a person expects, in the order the desk picks from.</summary>
    public static readonly IReadOnlyList<(RightsCategory Category, string Label)> Categories =
    [
        (RightsCategory.Staff, "Staff"),
        (RightsCategory.Commissioned, "Commissioned"),
        (RightsCategory.Agency, "Agency"),
        (RightsCategory.Handout, "Handout / PR"),
        (RightsCategory.Social, "Social (with permission)"),
        (RightsCategory.ReaderSubmitted, "Reader-submitted"),
        (RightsCategory.NoRights, "No rights"),
    ];

    public static string Label(RightsCategory c) => Categories.First(x => x.Category == c).Label;

    public const string NoSocialLabel = "No social or link previews";
    public const string NotInNewslettersLabel = "Not in newsletters";
    public const string NotInSearchLabel = "Not in search or sitemaps";
    public const string EditorialOnlyLabel = "Editorial use only";

    /// <summary>Why the rights keep this photo from readers at <paramref name="now"/> (empty when they do not).</summary>
    public static IEnumerable<string> Problems(Photo p, DateTimeOffset now, Func<DateTimeOffset, string> format)
    {
        if (p.RightsCategory == RightsCategory.NoRights) yield return "no rights (choose a rights category)";
        if (p.ValidUntil is { } until && until <= now) yield return $"licence expired ({format(until)})";
    }

    /// <summary>Deny wins: whether no restriction of <paramref name="p"/> forbids <paramref name="surface"/>.</summary>
    public static bool Allows(Photo p, Surface surface) => surface switch
    {
        Surface.Social => !p.NoSocial,
        Surface.Newsletter => !p.NotInNewsletters,
        Surface.Search => !p.NotInSearch,
        _ => true,
    };
}

/// <summary>Settings under "Backstage:Rights".</summary>
public sealed class RightsOptions
{
    public const string Section = "Backstage:Rights";

    /// <summary>
    /// The category a new upload gets when nothing prefills one. "NoRights" (the default) keeps every new photo from
    /// readers until the desk says who may use it; a newsroom that owns every picture it uploads may set "Staff".
    /// </summary>
    public RightsCategory NewPhotoCategory { get; set; } = RightsCategory.NoRights;
}
