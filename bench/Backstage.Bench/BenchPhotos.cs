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
        NetVips.NetVips.Concurrency = 1;
        // one photo per core at a time (each pipeline single-threaded); files appear atomically, so a stopped run resumes
        var missing = Enumerable.Range(1, count).Where(i => !File.Exists(Path.Combine(dir, FileName(i)))).ToList();
        Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => DemoImages.WriteJpeg(Path.Combine(dir, FileName(i)), seed: 10_000 + i, width, height, 90)); // seeds apart from the demo content's
        int made = missing.Count;
        Console.WriteLine($"{count} photos {width}×{height} in {dir} ({made} new)");
        return 0;
    }
}
