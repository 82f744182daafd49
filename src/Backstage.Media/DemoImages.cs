using NetVips;

namespace Backstage.Media;

/// <summary>
/// Synthetic "camera" JPEGs with photographic-looking detail: multi-octave Perlin texture over
/// colour gradients, fabric-like stripes, soft "bokeh" discs and sensor grain; different per seed.
/// Streams through libvips, so even 6000×4000 needs little memory. For demo content and the bench.
/// </summary>
public static class DemoImages
{
    public static void WriteJpeg(string path, int seed, int width, int height) => WriteJpeg(path, seed, width, height, 90);

    public static void WriteJpeg(string path, int seed, int width, int height, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        MediaRuntime.Initialize();
        using var image = Build(seed, width, height);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        byte[] jpeg = image.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None);
        AtomicFile.Write(path, jpeg);
    }

    /// <summary>The synthetic photo as a lazy 8-bit sRGB libvips pipeline.</summary>
    public static Image Build(int seed, int width, int height)
    {
        var rng = new Random(seed);
        double Rnd(double lo, double hi) => lo + rng.NextDouble() * (hi - lo);
        var owned = new List<Image>();
        T Own<T>(T img) where T : Image { owned.Add(img); return img; }
        try
        {
            int scale = Math.Max(width, height);
            // luminance texture: four octaves of Perlin noise (large forms → fine fabric detail)
            var lum = Own(Image.Perlin(width, height, cellSize: Math.Max(8, scale / 6), seed: seed) * 0.50);
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: Math.Max(4, scale / 24), seed: seed + 1) * 0.25));
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: Math.Max(4, scale / 120), seed: seed + 2) * 0.15));
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: 6, seed: seed + 3) * 0.10));

            // fabric stripes at a random angle, fading in across the frame
            var xy = Own(Image.Xyz(width, height));
            var x = Own(xy[0]);
            var y = Own(xy[1]);
            double angle = Rnd(0, Math.PI), freq = Rnd(2.0, 7.0) * 360.0 / Math.Max(64, scale / 40.0);
            var phase = Own(Own(x * (Math.Cos(angle) * freq)) + Own(y * (Math.Sin(angle) * freq)));
            var stripes = Own(Own(phase.Math(Enums.OperationMath.Sin)) * Own(x * (0.25 / width)));

            // colour: a gradient between two random colours (backdrop light), modulated by texture
            double[] c0 = [Rnd(20, 200), Rnd(20, 200), Rnd(20, 200)], c1 = [Rnd(20, 200), Rnd(20, 200), Rnd(20, 200)];
            var t = Own(Own(Own(x * (Rnd(0.3, 1.0) / width)) + Own(y * (Rnd(0.0, 0.7) / height))).Linear([0.6], [0.0]));
            var gradient = Own(Own(Own(t * c1.Zip(c0, (a, b) => a - b).ToArray())).Linear([1, 1, 1], c0));
            double[] tint = [Rnd(50, 110), Rnd(50, 110), Rnd(50, 110)];
            var texture = Own(Own(lum + stripes) * tint);
            var photo = Own(gradient + texture);

            // grain
            var grain = Own(Image.Gaussnoise(width, height, sigma: 5, mean: 0, seed: seed + 4));
            photo = Own(photo + grain);
            var rgb = Own(Own(photo.Cast(Enums.BandFormat.Uchar)).Copy(interpretation: Enums.Interpretation.Srgb));

            // a few soft discs ("bokeh" and figures), drawn into a copy
            var discs = Enumerable.Range(0, 7).Select(_ => (cx: rng.Next(width), cy: rng.Next(height),
                r: (int)(scale * Rnd(0.02, 0.12)), ink: new double[] { Rnd(0, 255), Rnd(0, 255), Rnd(0, 255) })).ToList();
            return rgb.Mutate(m =>
            {
                foreach (var d in discs) m.DrawCircle(d.ink, d.cx, d.cy, d.r, fill: true);
            });
        }
        finally
        {
            foreach (var img in owned) img.Dispose();
        }
    }
}
