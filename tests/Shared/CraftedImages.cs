using System.Buffers.Binary;
using System.Text;
using NetVips;

namespace Backstage.Tests.Shared;

/// <summary>
/// Hostile and camera-like files built byte by byte, shared by the media and web tests through a linked source file:
/// a PNG that lies about its size, and EXIF with orientation, camera, credit fields and GPS coordinates (libvips
/// can't write arbitrary EXIF/GPS tags).
/// </summary>
internal static class CraftedImages
{
    /// <summary>A real PNG (noise, ~100 KB) whose IHDR is rewritten to claim width×height, CRC fixed.</summary>
    public static byte[] PixelBombPng(int claimedWidth, int claimedHeight)
    {
        using var noise = Image.Gaussnoise(190, 190, sigma: 60, mean: 128, seed: 7);
        using var rgb = noise.Bandjoin(noise, noise);
        using var u8 = rgb.Cast(Enums.BandFormat.Uchar);
        var png = u8.PngsaveBuffer(compression: 9, keep: Enums.ForeignKeep.None);
        // IHDR data at 16..29, CRC over type+data at 29..32
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)claimedWidth);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)claimedHeight);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Inserts an APP1 EXIF segment right after SOI.</summary>
    public static byte[] WithExif(byte[] jpeg, byte[] tiff)
    {
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var seg = new byte[4 + payload.Length];
        seg[0] = 0xFF; seg[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(seg, 4);
        return jpeg.Take(2).Concat(seg).Concat(jpeg.Skip(2)).ToArray();
    }

    /// <summary>
    /// Little-endian TIFF/EXIF: IFD0 {Make, Model, Orientation, Artist, Copyright, ExifIFD, GPSIFD},
    /// Exif IFD {DateTimeOriginal, OffsetTimeOriginal}, GPS IFD {LatRef, Lat, LonRef, Lon}.
    /// </summary>
    public static byte[] BuildExif(ushort orientation, string make, string model, string artist, string copyright, string dateTimeOriginal, string offset)
    {
        var w = new TiffWriter();
        var ifd0 = new List<TiffWriter.Tag>
        {
            TiffWriter.Ascii(0x010F, make), TiffWriter.Ascii(0x0110, model), TiffWriter.Short(0x0112, orientation),
            TiffWriter.Ascii(0x013B, artist), TiffWriter.Ascii(0x8298, copyright),
            TiffWriter.Pointer(0x8769), TiffWriter.Pointer(0x8825),
        };
        var exif = new List<TiffWriter.Tag> { TiffWriter.Ascii(0x9003, dateTimeOriginal), TiffWriter.Ascii(0x9011, offset) };
        var gps = new List<TiffWriter.Tag>
        {
            TiffWriter.Ascii(0x0001, "N"), TiffWriter.Rationals(0x0002, (48, 1), (51, 1), (2988, 100)),
            TiffWriter.Ascii(0x0003, "E"), TiffWriter.Rationals(0x0004, (2, 1), (21, 1), (756, 100)),
        };
        return w.Write(ifd0, exif, gps);
    }

    private sealed class TiffWriter
    {
        public sealed record Tag(ushort Id, ushort Type, uint Count, byte[] Data, bool IsPointer = false);

        public static Tag Ascii(ushort id, string s) { var b = Encoding.UTF8.GetBytes(s + "\0"); return new Tag(id, 2, (uint)b.Length, b); }
        public static Tag Short(ushort id, ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return new Tag(id, 3, 1, b); }
        public static Tag Pointer(ushort id) => new(id, 4, 1, new byte[4], IsPointer: true);
        public static Tag Rationals(ushort id, params (uint N, uint D)[] values)
        {
            var b = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 8), values[i].N);
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 8 + 4), values[i].D);
            }
            return new Tag(id, 5, (uint)values.Length, b);
        }

        public byte[] Write(List<Tag> ifd0, List<Tag> exif, List<Tag> gps)
        {
            var buf = new List<byte>();
            buf.AddRange("II*\0"u8.ToArray());
            buf.AddRange(BitConverter.GetBytes(8u));
            int ifd0Pos = 8;
            int exifPos = ifd0Pos + IfdSize(ifd0);
            int gpsPos = exifPos + IfdSize(exif);
            var pointers = new Dictionary<ushort, uint> { [0x8769] = (uint)exifPos, [0x8825] = (uint)gpsPos };
            WriteIfd(buf, ifd0, ifd0Pos, pointers);
            WriteIfd(buf, exif, exifPos, pointers);
            WriteIfd(buf, gps, gpsPos, pointers);
            return buf.ToArray();
        }

        private static int IfdSize(List<Tag> tags) => 2 + 12 * tags.Count + 4 + tags.Where(t => t.Data.Length > 4).Sum(t => t.Data.Length + (t.Data.Length & 1));

        private static void WriteIfd(List<byte> buf, List<Tag> tags, int pos, Dictionary<ushort, uint> pointers)
        {
            if (buf.Count != pos) throw new InvalidOperationException("layout");
            var sorted = tags.OrderBy(t => t.Id).ToList();
            int dataPos = pos + 2 + 12 * sorted.Count + 4;
            var data = new List<byte>();
            buf.AddRange(BitConverter.GetBytes((ushort)sorted.Count));
            foreach (var t in sorted)
            {
                buf.AddRange(BitConverter.GetBytes(t.Id));
                buf.AddRange(BitConverter.GetBytes(t.Type));
                buf.AddRange(BitConverter.GetBytes(t.Count));
                if (t.IsPointer) buf.AddRange(BitConverter.GetBytes(pointers[t.Id]));
                else if (t.Data.Length <= 4) buf.AddRange(t.Data.Concat(new byte[4 - t.Data.Length]));
                else
                {
                    buf.AddRange(BitConverter.GetBytes((uint)(dataPos + data.Count)));
                    data.AddRange(t.Data);
                    if ((t.Data.Length & 1) == 1) data.Add(0);
                }
            }
            buf.AddRange(BitConverter.GetBytes(0u));
            buf.AddRange(data);
        }
    }
}
