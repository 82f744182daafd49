using System.Numerics;
using NetVips;

namespace Backstage.Media;

/// <summary>
/// A 64-bit difference hash (dHash) of a picture: shrink to 9×8 grey, one bit per horizontal neighbour pair
/// (left brighter than right). The same picture re-exported at another size or JPEG quality lands within a few bits;
/// different pictures differ in about half of them. Computed from a small rendition, so it costs a few milliseconds.
/// </summary>
public static class PerceptualHash
{
    /// <summary>At most this many differing bits: "visually identical" (re-exports measured 0–4 in tests).</summary>
    public const int SimilarBits = 6;

    public static long Compute(string imagePath)
    {
        using var thumb = Image.Thumbnail(imagePath, 9, height: 8, size: Enums.Size.Force);
        using var grey = thumb.Colourspace(Enums.Interpretation.Bw);
        using var band = grey.ExtractBand(0);
        using var u8 = band.Cast(Enums.BandFormat.Uchar);
        var px = u8.WriteToMemory<byte>();
        ulong bits = 0;
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            if (px[y * 9 + x] > px[y * 9 + x + 1]) bits |= 1UL << (y * 8 + x);
        return unchecked((long)bits);
    }

    public static int Distance(long a, long b) => BitOperations.PopCount(unchecked((ulong)(a ^ b)));

    public static bool Similar(long a, long b) => Distance(a, b) <= SimilarBits;
}
