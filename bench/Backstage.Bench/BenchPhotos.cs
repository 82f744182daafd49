using System.Globalization;
using Backstage.Media;

namespace Backstage.Bench;

/// <summary>
/// `photos --count N --dir DIR [--size WxH]`: N distinct camera-like JPEGs (one seed per index, so different pictures and
/// different SHA-256), cached outside the repo for the ingest benchmark; existing files are kept.
/// </summary>
public static class BenchPhotos
{
    public static string FileName(int index) => $"ingest-{index:000}.jpg";

    /// <summary>How many photos are synthesized from scratch; the rest are variants of these.</summary>
    private const int Bases = 12;

    private static void WriteVariant(string dir, int index, int width, int height)
    {
        int k = (index - 1) / Bases; // 1, 2, … for the variants of one base
        using var source = NetVips.Image.NewFromFile(Path.Combine(dir, FileName((index - 1) % Bases + 1)), access: NetVips.Enums.Access.Sequential);
        using var flipped = k % 2 == 1 ? source.Flip(NetVips.Enums.Direction.Horizontal) : source.Copy();
        int dx = 1 + k % 7, dy = 1 + k / 7 % 5; // shift by a few pixels, edges repeated
        using var shifted = flipped.Embed(dx, dy, width, height, extend: NetVips.Enums.Extend.Copy);
        using var scaled = shifted * (1.0 + 0.004 * (k % 11) - 0.02);
        using var exposed = scaled.Cast(NetVips.Enums.BandFormat.Uchar);
        AtomicFile.Write(Path.Combine(dir, FileName(index)), exposed.JpegsaveBuffer(q: 90, keep: NetVips.Enums.ForeignKeep.None));
    }

    public static int Generate(string[] args)
    {
        int count = 300, width = 6000, height = 4000;
        string dir = Environment.GetEnvironmentVariable("BENCH_PHOTOS") ?? "/work/bench-photos/24mp";
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--count": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dir": dir = Next(); break;
                case "--size":
                    var wh = Next().Split('x');
                    (width, height) = (int.Parse(wh[0], CultureInfo.InvariantCulture), int.Parse(wh[1], CultureInfo.InvariantCulture));
                    break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use photos --count N --dir DIR --size WxH");
            }
        }
        Directory.CreateDirectory(dir);
        MediaRuntime.Initialize();
        NetVips.NetVips.Concurrency = 1;
        // one photo per core at a time (each pipeline single-threaded); files appear atomically, so a stopped run resumes
        // The first Bases photos are synthesized (about 10 CPU-s each at 24 MP); every later one is a variant of one of
        // them (mirrored, shifted by a few pixels, its exposure nudged), about 1 CPU-s: different pixels and SHA-256,
        // the same size and entropy, so the render pipeline does the same work for it.
        var missing = Enumerable.Range(1, count).Where(i => !File.Exists(Path.Combine(dir, FileName(i)))).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(missing.Where(i => i <= Bases), options,
            i => DemoImages.WriteJpeg(Path.Combine(dir, FileName(i)), seed: 10_000 + i, width, height, 90)); // seeds apart from the demo content's
        Parallel.ForEach(missing.Where(i => i > Bases), options, i => WriteVariant(dir, i, width, height));
        int made = missing.Count;
        Console.WriteLine($"{count} photos {width}×{height} in {dir} ({made} new)");
        return 0;
    }
}
