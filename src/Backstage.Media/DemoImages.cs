using NetVips;

namespace Backstage.Media;

/// <summary>
/// Synthetic "camera" JPEGs with photographic-looking detail: multi-octave Perlin texture over
/// colour gradients, fabric-like stripes, discs and tall ellipses and sensor grain; different per seed.
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
            // luminance texture: Perlin octaves from large forms down to fabric-scale detail that
            // survives downscaling to web widths (real photos keep detail at every scale)
            var lum = Own(Image.Perlin(width, height, cellSize: Math.Max(8, scale / 6), seed: seed) * 0.55);
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: Math.Max(4, scale / 24), seed: seed + 1) * 0.35));
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: Math.Max(4, scale / 100), seed: seed + 2) * 0.30));
            // ridged noise: sharp creases like folds and hair
            var ridges = Own(Own(Image.Perlin(width, height, cellSize: Math.Max(4, scale / 300), seed: seed + 3)).Abs());
            lum = Own(lum + Own(ridges * -0.45));
            lum = Own(lum + Own(Image.Perlin(width, height, cellSize: 5, seed: seed + 5) * 0.12));

            // fabric stripes at a random angle, fading in across the frame
            var xy = Own(Image.Xyz(width, height));
            var x = Own(xy[0]);
            var y = Own(xy[1]);
            double angle = Rnd(0, Math.PI), freq = Rnd(2.0, 7.0) * 360.0 / Math.Max(64, scale / 40.0);
            var phase = Own(Own(x * (Math.Cos(angle) * freq)) + Own(y * (Math.Sin(angle) * freq)));
            var stripes = Own(Own(phase.Math(Enums.OperationMath.Sin)) * Own(x * (0.3 / width)));

            // colour: a gradient between two random colours (backdrop light)
            double[] c0 = [Rnd(30, 200), Rnd(30, 200), Rnd(30, 200)], c1 = [Rnd(30, 200), Rnd(30, 200), Rnd(30, 200)];
            var t = Own(Own(Own(x * (Rnd(0.3, 1.0) / width)) + Own(y * (Rnd(0.0, 0.7) / height))).Linear([0.6], [0.0]));
            Image colour = Own(Own(Own(t * c1.Zip(c0, (a, b) => a - b).ToArray())).Linear([1, 1, 1], c0));

            // shapes: discs and tall ellipses ("figures") in their own colours, textured like the rest
            for (int k = 0; k < 9; k++)
            {
                int cx = rng.Next(width), cy = rng.Next(height);
                double r = scale * Rnd(0.02, 0.12), stretch = k % 3 == 0 ? Rnd(2.0, 4.0) : 1.0;
                var dx = Own(Own(x - cx) * (1.0 / r));
                var dy = Own(Own(y - cy) * (1.0 / (r * stretch)));
                var d2 = Own(Own(dx * dx) + Own(dy * dy));
                var inside = Own(d2 < 1.0);
                double[] ink = [Rnd(10, 245), Rnd(10, 245), Rnd(10, 245)];
                colour = Own(inside.Ifthenelse(ink, colour));
            }

            double[] tint = [Rnd(70, 120), Rnd(70, 120), Rnd(70, 120)];
            var texture = Own(Own(lum + stripes) * tint);
            var photo = Own(colour + texture);

            // sensor grain
            var grain = Own(Image.Gaussnoise(width, height, sigma: 4, mean: 0, seed: seed + 4));
            photo = Own(photo + grain);
            return Own(photo.Cast(Enums.BandFormat.Uchar)).Copy(interpretation: Enums.Interpretation.Srgb);
        }
        finally
        {
            foreach (var img in owned) img.Dispose();
        }
    }
}
