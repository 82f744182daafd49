using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Backstage.Media;

/// <summary>
/// Minimal, defensive reader for the few EXIF tags Backstage uses to prefill the photographer
/// credit. Parses libvips' raw "exif-data" blob ("Exif\0\0" + TIFF structure) directly instead of
/// libvips' human-formatted "exif-ifd*" strings.
/// </summary>
internal static partial class ExifReader
{
    internal sealed record ExifTags(string? Make, string? Model, string? Artist, string? Copyright, DateTimeOffset? CapturedAt);

    private const ushort TagMake = 0x010F, TagModel = 0x0110, TagDateTime = 0x0132, TagArtist = 0x013B,
        TagCopyright = 0x8298, TagExifIfd = 0x8769, TagDateTimeOriginal = 0x9003, TagOffsetTimeOriginal = 0x9011;

    public static ExifTags? Read(byte[]? blob)
    {
        if (blob is null || blob.Length < 14) return null;
        try
        {
            var tiff = blob.AsSpan();
            if (tiff.StartsWith("Exif\0\0"u8)) tiff = tiff[6..];
            bool little;
            if (tiff.StartsWith("II*\0"u8)) little = true;
            else if (tiff.StartsWith("MM\0*"u8)) little = false;
            else return null;

            var ifd0 = ReadIfd(tiff, little, U32(tiff, 4, little));
            string? make = Ascii(tiff, little, ifd0, TagMake);
            string? model = Ascii(tiff, little, ifd0, TagModel);
            string? artist = Ascii(tiff, little, ifd0, TagArtist);
            string? copyright = Ascii(tiff, little, ifd0, TagCopyright);
            string? date = Ascii(tiff, little, ifd0, TagDateTime);
            string? offset = null;
            if (ifd0.TryGetValue(TagExifIfd, out var exifPtr))
            {
                var exif = ReadIfd(tiff, little, exifPtr.ValueOffset);
                date = Ascii(tiff, little, exif, TagDateTimeOriginal) ?? date;
                offset = Ascii(tiff, little, exif, TagOffsetTimeOriginal);
            }
            return new ExifTags(make, model, artist, copyright, ParseDate(date, offset));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return null; // a broken EXIF block never blocks an upload; the credit is just not prefilled
        }
    }

    private readonly record struct Entry(ushort Type, uint Count, uint ValueOffset, int EntryPos);

    private static Dictionary<ushort, Entry> ReadIfd(ReadOnlySpan<byte> tiff, bool little, uint offset)
    {
        var entries = new Dictionary<ushort, Entry>();
        if (offset < 8 || offset + 2 > tiff.Length) return entries;
        int n = U16(tiff, (int)offset, little);
        for (int i = 0; i < n && i < 512; i++)
        {
            int pos = (int)offset + 2 + i * 12;
            if (pos + 12 > tiff.Length) break;
            ushort tag = U16(tiff, pos, little);
            entries.TryAdd(tag, new Entry(U16(tiff, pos + 2, little), U32(tiff, pos + 4, little), U32(tiff, pos + 8, little), pos));
        }
        return entries;
    }

    private static string? Ascii(ReadOnlySpan<byte> tiff, bool little, Dictionary<ushort, Entry> ifd, ushort tag)
    {
        if (!ifd.TryGetValue(tag, out var e) || e.Type is not (2 or 7 or 1) || e.Count == 0 || e.Count > 64 * 1024) return null;
        int start = e.Count <= 4 ? e.EntryPos + 8 : (int)e.ValueOffset;
        if (start < 0 || start + e.Count > tiff.Length) return null;
        var bytes = tiff.Slice(start, (int)e.Count);
        // Copyright may hold "photographer\0editor"; join the non-empty parts
        var parts = Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join(" / ", parts);
        text = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return text.Length == 0 ? null : text;
    }

    internal static DateTimeOffset? ParseDate(string? date, string? offset)
    {
        if (date is null) return null;
        if (!DateTime.TryParseExact(date.Trim(), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return null;
        var tz = TimeSpan.Zero; // no OffsetTimeOriginal: the camera's clock zone is unknown, record it as UTC
        if (offset is not null && OffsetPattern().Match(offset.Trim()) is { Success: true } m)
        {
            var span = new TimeSpan(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 0);
            if (span <= TimeSpan.FromHours(14)) tz = m.Groups[1].Value == "-" ? -span : span;
        }
        return new DateTimeOffset(local, tz);
    }

    [GeneratedRegex(@"^([+-])(\d{2}):(\d{2})$")]
    private static partial Regex OffsetPattern();

    private static ushort U16(ReadOnlySpan<byte> s, int pos, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s[pos..]) : BinaryPrimitives.ReadUInt16BigEndian(s[pos..]);

    private static uint U32(ReadOnlySpan<byte> s, int pos, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s[pos..]) : BinaryPrimitives.ReadUInt32BigEndian(s[pos..]);
}

/// <summary>Creator and rights from an XMP packet (dc:creator / dc:rights), when present.</summary>
internal static partial class XmpReader
{
    public static (string? Creator, string? Rights) Read(byte[]? xmp)
    {
        if (xmp is null || xmp.Length == 0 || xmp.Length > 1024 * 1024) return (null, null);
        var text = Encoding.UTF8.GetString(xmp);
        return (First(text, "creator"), First(text, "rights"));
    }

    private static string? First(string xmp, string element)
    {
        var m = Regex.Match(xmp, $@"<dc:{element}\b[^>]*>.*?<rdf:li\b[^>]*>(.*?)</rdf:li>", RegexOptions.Singleline, TimeSpan.FromMilliseconds(200));
        if (!m.Success) return null;
        var value = System.Net.WebUtility.HtmlDecode(m.Groups[1].Value).Trim();
        return value.Length == 0 ? null : value;
    }
}
