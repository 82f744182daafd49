using System.Text;

namespace Backstage.Media;

/// <summary>Decides what a file is from its first bytes. Used both to accept and to explain refusals.</summary>
internal static class FormatSniffer
{
    internal const int HeadLength = 1024;

    /// <summary>Returns the accepted format, or null with a short description of what it looks like.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head, out string looksLike)
    {
        looksLike = "unknown data";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) { looksLike = "JPEG"; return ImageFormat.Jpeg; }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) { looksLike = "PNG"; return ImageFormat.Png; }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) { looksLike = "WebP"; return ImageFormat.WebP; }
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) { looksLike = "TIFF"; return ImageFormat.Tiff; }
        if (head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8)) { looksLike = "BigTIFF"; return ImageFormat.Tiff; }
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            // ISO BMFF: major brand + compatible brands up to the box size
            int boxSize = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
            int end = Math.Min(head.Length, Math.Clamp(boxSize, 12, 256));
            var brands = new List<string>();
            for (int i = 8; i + 4 <= end; i += 4)
                if (i != 12) brands.Add(Encoding.ASCII.GetString(head.Slice(i, 4)));
            if (brands.Any(b => b is "avif" or "avis")) { looksLike = "AVIF"; return ImageFormat.Avif; }
            if (brands.Any(b => b is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1")) { looksLike = "HEIC"; return ImageFormat.Heif; }
            looksLike = brands.Any(b => b.StartsWith("qt") || b.StartsWith("mp4") || b.StartsWith("iso")) ? "a video" : "an ISO media file";
            return null;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) looksLike = "GIF";
        else if (head.StartsWith("%PDF"u8)) looksLike = "PDF";
        else if (head.StartsWith("BM"u8) && head.Length >= 14) looksLike = "BMP";
        else if (head.StartsWith("8BPS"u8)) looksLike = "PSD";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 2, 0])) looksLike = "ICO";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'j', (byte)'P']) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51])) looksLike = "JPEG 2000";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L'])) looksLike = "JPEG XL";
        else if (head.StartsWith("PK\x03\x04"u8)) looksLike = "a ZIP archive";
        else if (head.StartsWith("\x1F\x8B"u8)) looksLike = "gzip data";
        else
        {
            var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n').ToLowerInvariant();
            if (text.Contains("<svg")) looksLike = "SVG";
            else if (text.StartsWith("<!doctype html") || text.Contains("<html") || text.Contains("<script") || text.Contains("<body")) looksLike = "HTML";
            else if (text.StartsWith("<?xml")) looksLike = "XML";
            else if (IsMostlyText(head)) looksLike = "text";
        }
        return null;
    }

    private static bool IsMostlyText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return false;
        int printable = 0;
        foreach (var b in head) if (b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t') printable++;
        return printable >= head.Length * 0.95;
    }
}
