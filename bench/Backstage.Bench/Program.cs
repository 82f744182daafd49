// Rendition pipeline benchmark: Backstage (libvips) vs Magick.NET vs SkiaSharp on 24 MP camera JPEGs.
// Parent: generates/caches the photos, runs each pipeline in its own child process (so peak RSS is
// that pipeline's own), prints a Markdown table. Child: `--pipeline NAME --photos N`.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backstage.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args is ["photos", ..]) return BenchPhotos.Generate(args[1..]);
if (args is ["ingest", ..]) return await IngestDriver.Run(args[1..]);
if (args is ["evict", ..]) return await EvictionBench.RunAsync(args[1..]);
if (args is ["mail-floor", ..]) return await MailFloor.RunAsync(args[1..]);

var opts = BenchArgs.Parse(args);
if (opts.Pipeline is not null)
{
    var result = Pipelines.RunChild(opts);
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
    return 0;
}

string results = Paths.Results;
Directory.CreateDirectory(results);
var photos = Photos.Ensure(opts.Photos, opts.Width, opts.Height);
if (opts.Pipelines.Contains("upload-heic")) Photos.EnsureHeic(photos);
Console.WriteLine($"{photos.Count} photos {opts.Width}×{opts.Height} in {Path.GetRelativePath(Paths.RepoRoot, Paths.Photos)}; {Environment.ProcessorCount} cores; libvips {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}");

var rows = new List<ChildResult>();
foreach (var pipeline in opts.Pipelines)
{
    var r = RunChildProcess(pipeline, opts);
    rows.Add(r);
    Console.WriteLine($"  {r.Pipeline,-24} {r.PhotosPerSecond,6:0.00} photos/s  {r.CpuSecondsPerPhoto,6:0.00} CPU-s/photo  {r.PeakRssMb,6:0} MB peak  {r.OutputBytes / 1024.0 / 1024.0,7:0.0} MB out");
}

Console.WriteLine();
Console.WriteLine(Report.Table(rows));
File.WriteAllText(Path.Combine(results, "last-run.md"), Report.Table(rows));
return 0;

static ChildResult RunChildProcess(string pipeline, BenchArgs opts)
{
    var psi = new ProcessStartInfo(Environment.ProcessPath!)
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    // re-invoke this same program (apphost or `dotnet Backstage.Bench.dll`)
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(BenchArgs).Assembly.Location);
    foreach (var a in opts.ChildArgs(pipeline)) psi.ArgumentList.Add(a);
    psi.Environment["MALLOC_ARENA_MAX"] = "2"; // same for every pipeline: glibc arenas otherwise hoard freed native memory
    using var p = Process.Start(psi)!;
    ChildResult? result = null;
    string? line;
    while ((line = p.StandardOutput.ReadLine()) is not null)
    {
        if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = JsonSerializer.Deserialize<ChildResult>(line[7..]);
        else Console.WriteLine("    " + line);
    }
    p.WaitForExit();
    if (p.ExitCode != 0 || result is null) throw new InvalidOperationException($"pipeline {pipeline} failed with exit code {p.ExitCode}");
    return result;
}
