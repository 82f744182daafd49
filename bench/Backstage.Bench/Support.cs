using System.Globalization;
using System.Text;
using Backstage.Media;

namespace Backstage.Bench;

public sealed record BenchArgs(int Photos, int Width, int Height, string? Pipeline, string[] Pipelines, int Parallel, int AvifEffort, int[]? AvifWidths)
{
    public static readonly string[] DefaultPipelines = ["backstage", "magick", "skia", "imagesharp", "backstage-avif"];

    public static BenchArgs Parse(string[] args)
    {
        int photos = 10, width = 6000, height = 4000, parallel = Math.Max(1, Environment.ProcessorCount);
        int avifEffort = new MediaOptions().AvifEffort;
        int[]? avifWidths = new MediaOptions().AvifWidths;
        string? pipeline = null;
        string[] pipelines = DefaultPipelines;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--photos": photos = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--size":
                    var wh = Next().Split('x');
                    (width, height) = (int.Parse(wh[0], CultureInfo.InvariantCulture), int.Parse(wh[1], CultureInfo.InvariantCulture));
                    break;
                case "--pipeline": pipeline = Next(); break;
                case "--pipelines": pipelines = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--parallel": parallel = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--avif-effort": avifEffort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--avif-widths":
                    var v = Next();
                    avifWidths = v == "all" ? null : v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use --photos N --size WxH --pipelines a,b --parallel N --avif-effort E --avif-widths all|320,640");
            }
        }
        return new BenchArgs(photos, width, height, pipeline, pipelines, parallel, avifEffort, avifWidths);
    }

    public IEnumerable<string> ChildArgs(string pipeline)
    {
        yield return "--pipeline"; yield return pipeline;
        yield return "--photos"; yield return Photos.ToString(CultureInfo.InvariantCulture);
        yield return "--size"; yield return $"{Width}x{Height}";
        yield return "--parallel"; yield return Parallel.ToString(CultureInfo.InvariantCulture);
        yield return "--avif-effort"; yield return AvifEffort.ToString(CultureInfo.InvariantCulture);
        yield return "--avif-widths"; yield return AvifWidths is null ? "all" : string.Join(',', AvifWidths);
    }
}

public sealed record ChildResult(string Pipeline, string Description, int Photos, double WallSeconds, double CpuSeconds, double PeakRssMb, long OutputBytes, int OutputFiles)
{
    public double PhotosPerSecond => Photos / WallSeconds;
    public double CpuSecondsPerPhoto => CpuSeconds / Photos;
}

public static class Paths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string Results => Path.Combine(RepoRoot, "bench", "results");
    public static string Photos => Path.Combine(Results, "photos");
    public static string Output(string pipeline) => Path.Combine(Results, "out", pipeline);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backstage.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

public static class Photos
{
    /// <summary>Generates (once, cached in bench/results/photos) N camera-like JPEGs at quality 90.</summary>
    public static IReadOnlyList<string> Ensure(int count, int width, int height)
    {
        Directory.CreateDirectory(Paths.Photos);
        var paths = Enumerable.Range(1, count).Select(i => Path.Combine(Paths.Photos, $"photo-{width}x{height}-{i:00}.jpg")).ToList();
        var missing = paths.Select((p, i) => (p, seed: i + 1)).Where(x => !File.Exists(x.p)).ToList();
        if (missing.Count > 0)
        {
            Console.WriteLine($"generating {missing.Count} photos…");
            NetVips.NetVips.Concurrency = 1;
            Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                x => DemoImages.WriteJpeg(x.p, x.seed, width, height, 90));
        }
        return paths;
    }

    public static string HeicOf(string jpeg) => Path.ChangeExtension(jpeg, ".heic");

    /// <summary>HEVC HEIC copies of the photos (what iPhones upload), made once with heif-enc from libheif-examples.</summary>
    public static void EnsureHeic(IReadOnlyList<string> jpegs)
    {
        foreach (var jpeg in jpegs.Where(j => !File.Exists(HeicOf(j))))
        {
            var psi = new System.Diagnostics.ProcessStartInfo("heif-enc", ["-q", "60", jpeg, "-o", HeicOf(jpeg)]) { RedirectStandardOutput = true };
            System.ComponentModel.Win32Exception? missing = null;
            System.Diagnostics.Process? p = null;
            try { p = System.Diagnostics.Process.Start(psi); } catch (System.ComponentModel.Win32Exception e) { missing = e; }
            if (p is null) throw new InvalidOperationException("upload-heic needs heif-enc: apt-get install libheif-examples", missing);
            using (p)
            {
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"heif-enc failed on {jpeg}");
            }
        }
    }

    public static IReadOnlyList<string> List(int count, int width, int height) =>
        Enumerable.Range(1, count).Select(i => Path.Combine(Paths.Photos, $"photo-{width}x{height}-{i:00}.jpg")).ToList();
}

public static class ProcStatus
{
    /// <summary>Peak resident set size of this process (VmHWM), MB.</summary>
    public static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}

public static class Report
{
    public static string Table(IReadOnlyList<ChildResult> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Pipeline | What | Photos/s | CPU-s per photo | Peak RSS (MB) | Output (MB) | Files |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Pipeline} | {r.Description} | {r.PhotosPerSecond:0.00} | {r.CpuSecondsPerPhoto:0.00} | {r.PeakRssMb:0} | {r.OutputBytes / 1024.0 / 1024.0:0.0} | {r.OutputFiles} |"));
        return sb.ToString();
    }
}
