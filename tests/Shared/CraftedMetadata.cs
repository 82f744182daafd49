using System.Buffers.Binary;
using System.Security;
using System.Text;

namespace Backstage.Tests.Shared;

/// <summary>
/// Agency-style metadata written byte by byte into real JPEGs: an APP13 Photoshop IRB with IPTC IIM datasets (UTF-8
/// declared by 1:90, or legacy Latin-1 without it) and an APP1 XMP packet (also used as a sidecar file).
/// </summary>
internal static class CraftedMetadata
{
    public const byte ByLine = 80, Headline = 105, Credit = 110, Source = 115, Copyright = 116, Caption = 120, Keywords = 25;

    /// <summary>IIM record 2 datasets; with <paramref name="utf8"/> a 1:90 "ESC % G" first and UTF-8 text, else Latin-1 text.</summary>
    public static byte[] Iptc(bool utf8, params (byte Dataset, string Value)[] fields)
    {
        var buf = new List<byte>();
        void DataSet(byte record, byte dataset, byte[] value)
        {
            buf.AddRange([0x1C, record, dataset, (byte)(value.Length >> 8), (byte)value.Length]);
            buf.AddRange(value);
        }
        if (utf8) DataSet(1, 90, [0x1B, (byte)'%', (byte)'G']);
        DataSet(2, 0, [0, 4]); // record version
        foreach (var (dataset, value) in fields) DataSet(2, dataset, (utf8 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(value));
        return buf.ToArray();
    }

    /// <summary>Inserts "Photoshop 3.0" APP13 with one 8BIM 0x0404 (IPTC) resource after SOI.</summary>
    public static byte[] WithIptc(byte[] jpeg, byte[] iptc)
    {
        var payload = new List<byte>();
        payload.AddRange(Encoding.ASCII.GetBytes("Photoshop 3.0\0"));
        payload.AddRange(Encoding.ASCII.GetBytes("8BIM"));
        payload.AddRange([0x04, 0x04, 0x00, 0x00]); // resource id, empty Pascal name padded to even
        var size = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(size, (uint)iptc.Length);
        payload.AddRange(size);
        payload.AddRange(iptc);
        if ((iptc.Length & 1) == 1) payload.Add(0);
        return WithSegment(jpeg, 0xED, payload.ToArray());
    }

    public static byte[] WithXmp(byte[] jpeg, string packet) =>
        WithSegment(jpeg, 0xE1, Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0").Concat(Encoding.UTF8.GetBytes(packet)).ToArray());

    /// <summary>An XMP packet with the IPTC Core fields Backstage reads (null fields are left out).</summary>
    public static string Xmp(string? creator = null, string? credit = null, string? caption = null, string? alt = null,
        string? extended = null, string? rights = null, params string[] keywords)
    {
        static string E(string s) => SecurityElement.Escape(s);
        static string LangAlt(string tag, string? v) => v is null ? "" : $"<{tag}><rdf:Alt><rdf:li xml:lang=\"x-default\">{E(v)}</rdf:li></rdf:Alt></{tag}>";
        var sb = new StringBuilder();
        sb.Append("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>");
        sb.Append("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">");
        sb.Append("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" xmlns:Iptc4xmpCore=\"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/\">");
        if (creator is not null) sb.Append($"<dc:creator><rdf:Seq><rdf:li>{E(creator)}</rdf:li></rdf:Seq></dc:creator>");
        if (credit is not null) sb.Append($"<photoshop:Credit>{E(credit)}</photoshop:Credit>");
        sb.Append(LangAlt("dc:description", caption)).Append(LangAlt("dc:rights", rights));
        sb.Append(LangAlt("Iptc4xmpCore:AltTextAccessibility", alt)).Append(LangAlt("Iptc4xmpCore:ExtDescrAccessibility", extended));
        if (keywords.Length > 0) sb.Append("<dc:subject><rdf:Bag>").Append(string.Concat(keywords.Select(k => $"<rdf:li>{E(k)}</rdf:li>"))).Append("</rdf:Bag></dc:subject>");
        sb.Append("</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>");
        return sb.ToString();
    }

    private static byte[] WithSegment(byte[] jpeg, byte marker, byte[] payload)
    {
        var seg = new byte[4 + payload.Length];
        seg[0] = 0xFF; seg[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(seg, 4);
        return jpeg.Take(2).Concat(seg).Concat(jpeg.Skip(2)).ToArray();
    }
}
