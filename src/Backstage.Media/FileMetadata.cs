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
    public static readonly FileMetadata Empty = new(null, null, null, null, null, null, [], null, null);

    private const string Dc = "http://purl.org/dc/elements/1.1/";
    private const string Photoshop = "http://ns.adobe.com/photoshop/1.0/";
    private const string Iptc4XmpCore = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";

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
            ExtendedDescription: null);
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
            ExtendedDescription: LangAlt(Iptc4XmpCore, "ExtDescrAccessibility"));
    }

    /// <summary>This, with every field <paramref name="over"/> has replacing it.</summary>
    private FileMetadata Overlay(FileMetadata over) => new(
        over.Creator ?? Creator, over.CreditLine ?? CreditLine, over.Source ?? Source, over.Copyright ?? Copyright,
        over.Caption ?? Caption, over.Headline ?? Headline, over.Keywords.Count > 0 ? over.Keywords : Keywords,
        over.AltText ?? AltText, over.ExtendedDescription ?? ExtendedDescription);

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
