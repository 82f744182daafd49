using MetadataExtractor;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;
using XmpCore;

namespace Backstage.Media;

/// <summary>
/// What an agency file says about itself, from IPTC IIM (APP13) and XMP (APP1 or a sidecar .xmp): the desk's prefill.
/// XMP wins over IIM when both carry a field (XMP is Unicode by definition; IIM may be Latin-1), a sidecar wins over
/// the embedded packet (it is what the photographer edited last). Every value is trimmed, control characters removed
/// and clipped; nothing here is ever shown to readers unless an editor keeps it in the photo's public fields.
/// </summary>
public sealed record FileMetadata(
    string? Creator, string? CreditLine, string? Source, string? Copyright, string? Caption, string? Headline,
    IReadOnlyList<string> Keywords, string? AltText, string? ExtendedDescription)
{
    // Rights (issue 19). The file can say whose the photo is and on what terms; it can never grant the desk the right
    // to publish it, so the web side prefills these but never the rights category.
    /// <summary>xmpRights:UsageTerms.</summary>
    public string? UsageTerms { get; init; }
    /// <summary>IPTC 2:40 Special Instructions / photoshop:Instructions (agencies write "EDITORIAL USE ONLY" here).</summary>
    public string? Instructions { get; init; }
    /// <summary>xmpRights:WebStatement: the URL of the licence.</summary>
    public string? WebStatement { get; init; }
    /// <summary>PLUS Licensor, else PLUS Image Supplier (names).</summary>
    public string? Supplier { get; init; }
    /// <summary>IPTC 2:30/2:35 Release Date/Time: not to be used before.</summary>
    public IptcMoment? ReleaseAt { get; init; }
    /// <summary>IPTC 2:37/2:38 Expiration Date/Time: not to be used after.</summary>
    public IptcMoment? ExpiresAt { get; init; }

    public static readonly FileMetadata Empty = new(null, null, null, null, null, null, [], null, null);

    private const string Dc = "http://purl.org/dc/elements/1.1/";
    private const string Photoshop = "http://ns.adobe.com/photoshop/1.0/";
    private const string Iptc4XmpCore = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";
    private const string XmpRights = "http://ns.adobe.com/xap/1.0/rights/";
    private const string Plus = "http://ns.useplus.org/ldf/xmp/1.0/";

    /// <summary>Largest sidecar read; real ones are a few KB.</summary>
    public const int MaxSidecarBytes = 1024 * 1024;

    /// <summary>
    /// Reads the file's IPTC and XMP, then lets <paramref name="sidecarXmp"/> override. Never throws for broken metadata:
    /// a file whose metadata cannot be read simply prefills nothing.
    /// MetadataExtractor decodes IIM text by the 1:90 coded character set (ESC % G = UTF-8) and, without one, as UTF-8
    /// when the bytes are valid UTF-8, else Latin-1 — what cameras and older agency tools write.
    /// </summary>
    public static FileMetadata Read(string path, byte[]? sidecarXmp = null)
    {
        IReadOnlyList<MetadataExtractor.Directory> dirs;
        try
        {
            dirs = ImageMetadataReader.ReadMetadata(path);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or InvalidOperationException
                                      or IndexOutOfRangeException or NotSupportedException or XmpException)
        {
            dirs = [];
        }
        var meta = FromIptc(dirs.OfType<IptcDirectory>().FirstOrDefault());
        foreach (var xmp in dirs.OfType<XmpDirectory>()) meta = meta.Overlay(FromXmp(xmp.XmpMeta));
        if (sidecarXmp is { Length: > 0 and <= MaxSidecarBytes })
        {
            try
            {
                meta = meta.Overlay(FromXmp(XmpMetaFactory.ParseFromBuffer(sidecarXmp)));
            }
            catch (XmpException) { } // a broken sidecar prefills nothing
        }
        return meta;
    }

    private static FileMetadata FromIptc(IptcDirectory? iptc)
    {
        if (iptc is null) return Empty;
        string? Get(int tag) => Clean(iptc.GetString(tag));
        var keywords = iptc.GetStringArray(IptcDirectory.TagKeywords) ?? [];
        return new FileMetadata(
            Creator: Get(IptcDirectory.TagByLine),
            CreditLine: Get(IptcDirectory.TagCredit),
            Source: Get(IptcDirectory.TagSource),
            Copyright: Get(IptcDirectory.TagCopyrightNotice),
            Caption: Get(IptcDirectory.TagCaption),
            Headline: Get(IptcDirectory.TagHeadline),
            Keywords: CleanList(keywords),
            AltText: null, // IIM has no accessibility fields; they exist only in XMP (IPTC Core 1.3)
            ExtendedDescription: null)
        {
            Instructions = Get(IptcDirectory.TagSpecialInstructions),
            ReleaseAt = IptcMoment.Parse(iptc.GetString(IptcDirectory.TagReleaseDate), iptc.GetString(IptcDirectory.TagReleaseTime)),
            ExpiresAt = IptcMoment.Parse(iptc.GetString(IptcDirectory.TagExpirationDate), iptc.GetString(IptcDirectory.TagExpirationTime)),
        };
    }

    private static FileMetadata FromXmp(IXmpMeta? xmp)
    {
        if (xmp is null) return Empty;
        string? Prop(string ns, string name)
        {
            try { return Clean(xmp.GetPropertyString(ns, name)); }
            catch (XmpException) { return null; }
        }
        string? LangAlt(string ns, string name)
        {
            try { return Clean(xmp.GetLocalizedText(ns, name, "", "x-default")?.Value); }
            catch (XmpException) { return null; }
        }
        List<string> Items(string ns, string name)
        {
            var list = new List<string>();
            try
            {
                if (!xmp.DoesPropertyExist(ns, name)) return list;
                int n = Math.Min(xmp.CountArrayItems(ns, name), 200);
                for (int i = 1; i <= n; i++)
                    if (Clean(xmp.GetArrayItem(ns, name, i)?.Value) is { } v) list.Add(v);
            }
            catch (XmpException) { }
            return list;
        }
        return new FileMetadata(
            Creator: Items(Dc, "creator").FirstOrDefault(),
            CreditLine: Prop(Photoshop, "Credit"),
            Source: Prop(Photoshop, "Source"),
            Copyright: LangAlt(Dc, "rights"),
            Caption: LangAlt(Dc, "description"),
            Headline: Prop(Photoshop, "Headline"),
            Keywords: CleanList(Items(Dc, "subject")),
            AltText: LangAlt(Iptc4XmpCore, "AltTextAccessibility"),
            ExtendedDescription: LangAlt(Iptc4XmpCore, "ExtDescrAccessibility"))
        {
            UsageTerms = LangAlt(XmpRights, "UsageTerms"),
            Instructions = Prop(Photoshop, "Instructions"),
            WebStatement = Prop(XmpRights, "WebStatement"),
            Supplier = Field(Plus, "Licensor", "LicensorName") ?? Field(Plus, "ImageSupplier", "ImageSupplierName"),
        };

        // PLUS Licensor and Image Supplier are arrays of structs: the first one's name.
        string? Field(string ns, string array, string field)
        {
            try { return xmp.DoesPropertyExist(ns, array) ? Clean(xmp.GetStructField(ns, array + "[1]", ns, field)?.Value) : null; }
            catch (XmpException) { return null; }
        }
    }

    /// <summary>This, with every field <paramref name="over"/> has replacing it.</summary>
    private FileMetadata Overlay(FileMetadata over) => new(
        over.Creator ?? Creator, over.CreditLine ?? CreditLine, over.Source ?? Source, over.Copyright ?? Copyright,
        over.Caption ?? Caption, over.Headline ?? Headline, over.Keywords.Count > 0 ? over.Keywords : Keywords,
        over.AltText ?? AltText, over.ExtendedDescription ?? ExtendedDescription)
    {
        UsageTerms = over.UsageTerms ?? UsageTerms, Instructions = over.Instructions ?? Instructions,
        WebStatement = over.WebStatement ?? WebStatement, Supplier = over.Supplier ?? Supplier,
        ReleaseAt = over.ReleaseAt ?? ReleaseAt, ExpiresAt = over.ExpiresAt ?? ExpiresAt,
    };

    private static List<string> CleanList(IEnumerable<string> values) =>
        values.Select(Clean).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Take(100).ToList();

    private static string? Clean(string? s)
    {
        if (s is null) return null;
        var text = new string(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        if (text.Length > 2000) text = text[..2000];
        return text.Length == 0 ? null : text;
    }
}

/// <summary>
/// An IIM date (CCYYMMDD) with its optional time (HHMMSS±HHMM). Without an offset the moment is in the site's zone,
/// which only the web side knows; without a time it is a whole day.
/// </summary>
public sealed record IptcMoment(DateOnly Date, TimeOnly? Time, TimeSpan? Offset)
{
    public static IptcMoment? Parse(string? date, string? time)
    {
        date = date?.Trim().Replace("-", "", StringComparison.Ordinal);
        if (date is not { Length: 8 } || !DateOnly.TryParseExact(date, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var d)) return null;
        time = time?.Trim().Replace(":", "", StringComparison.Ordinal);
        if (time is not { Length: >= 6 } || !TimeOnly.TryParseExact(time[..6], "HHmmss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var t)) return new IptcMoment(d, null, null);
        TimeSpan? offset = null;
        if (time.Length == 11 && (time[6] == '+' || time[6] == '-') && int.TryParse(time.AsSpan(7, 2), out var oh) && int.TryParse(time.AsSpan(9, 2), out var om)
            && oh <= 14 && om < 60)
            offset = (time[6] == '-' ? -1 : 1) * new TimeSpan(oh, om, 0);
        return new IptcMoment(d, t, offset);
    }
}
