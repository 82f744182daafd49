using System.Collections.Concurrent;
using System.Diagnostics;
using Backstage.Media;
using ImageMagick;
using ImageMagick.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using SkiaSharp;

namespace Backstage.Bench;

public static class Pipelines
{
    private static readonly int[] Widths = new MediaOptions().Widths.OrderDescending().ToArray();

    public static ChildResult RunChild(BenchArgs a)
    {
        var photos = Photos.List(a.Photos, a.Width, a.Height);
        if (a.Pipeline == "upload-heic") photos = photos.Select(Photos.HeicOf).ToList();
        if (photos.Any(p => !File.Exists(p))) throw new FileNotFoundException("run the bench without --pipeline first to generate the photos");
        var outRoot = Paths.Output(a.Pipeline!);
        if (Directory.Exists(outRoot)) Directory.Delete(outRoot, recursive: true); // fresh: Render skips identical files
        Directory.CreateDirectory(outRoot);

        var (description, parallel, work) = Select(a);
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        // NoBuffering: each worker takes the next photo when it is free (no chunking imbalance on few items)
        Parallel.ForEach(Partitioner.Create(photos, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = parallel },
            p => work(p, Path.Combine(outRoot, Path.GetFileNameWithoutExtension(p))));
        sw.Stop();
        proc.Refresh();
        var cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
        var files = Directory.GetFiles(outRoot, "*", SearchOption.AllDirectories);
        return new ChildResult(a.Pipeline!, description, photos.Count, sw.Elapsed.TotalSeconds, cpu, ProcStatus.PeakRssMb(),
            files.Sum(f => new FileInfo(f).Length), files.Length);
    }

    private static (string Description, int Parallel, Action<string, string> Work) Select(BenchArgs a)
    {
        var o = new MediaOptions { AvifEffort = a.AvifEffort, AvifWidths = a.AvifWidths };
        var jpegWebp = Widths.SelectMany(w => new[] { RenditionSpec.Width(w, "jpg"), RenditionSpec.Width(w, "webp") }).ToList();
        switch (a.Pipeline)
        {
            case "backstage":
                return Backstage(o, jpegWebp, a.Parallel, $"VipsImageProcessor.Render, 6 widths × JPEG q{o.JpegQuality} + WebP q{o.WebpQuality}, {a.Parallel} photos in parallel, vips concurrency 1");
            case "backstage-serial":
            {
                MediaRuntime.Initialize();
                NetVips.NetVips.Concurrency = Environment.ProcessorCount;
                var p = new VipsImageProcessor(o);
                return ($"same, one photo at a time, vips concurrency {Environment.ProcessorCount}", 1, (src, dir) => p.Render(src, jpegWebp, FocalPoint.Center, dir));
            }
            case "backstage-webp":
                return Backstage(o, jpegWebp.Where(s => s.Extension == "webp").ToList(), a.Parallel, $"WebP only: 6 widths, q{o.WebpQuality} (the yardstick for AVIF's cost)");
            case "backstage-default":
            {
                var plan = RenditionPlanner.Plan(a.Width, o);
                return Backstage(o, plan.ToList(), a.Parallel,
                    $"production default: RenditionPlanner.Plan = {plan.Count} files (AVIF {(o.AvifWidths is null ? "all widths" : string.Join('/', o.AvifWidths))} effort {o.AvifEffort}, WebP, JPEG, 3 crops)");
            }
            case "backstage-ready":
            case "backstage-later":
            {
                // The production plan split the way the job worker renders it: what makes a photo Ready, then the rest.
                bool later = a.Pipeline == "backstage-later";
                var plan = RenditionPlanner.Plan(a.Width, o).Where(s => s.IsFill ? !later : RenditionPlanner.IsLater(s, o) == later).ToList();
                return Backstage(o, plan, a.Parallel, later
                    ? $"render-photo-later: {plan.Count} files (AVIF, widths above {o.ReadyMaxWidth}), its own decode"
                    : $"render-photo: {plan.Count} files (JPEG + WebP up to {o.ReadyMaxWidth}, 3 crops) — the photo is Ready after this");
            }
            case "backstage-avif":
            {
                var widths = (a.AvifWidths ?? Widths).OrderDescending().ToArray();
                var avif = widths.Select(w => RenditionSpec.Width(w, "avif")).ToList();
                return Backstage(o, avif, a.Parallel, $"AVIF only (the extra cost): widths {string.Join('/', widths.Order())}, q{o.AvifQuality}, effort {o.AvifEffort}");
            }
            case "upload-jpeg":
            case "upload-heic":
            {
                // What the server does per uploaded file: validate (Probe: header, pixel limit, full small decode),
                // then the job's Render of the production plan. HEIC goes through Magick.NET's HEVC decoder first.
                MediaRuntime.Initialize();
                var p = new VipsImageProcessor(o);
                var format = a.Pipeline == "upload-heic" ? "HEIC (HEVC, heif-enc -q 60)" : "JPEG q90";
                return ($"upload of a {format}: Probe + Render of RenditionPlanner.Plan (AVIF, WebP, JPEG, crops), {a.Parallel} in parallel", a.Parallel,
                    (src, dir) => p.Render(src, RenditionPlanner.Plan(p.Probe(src).Width, o), FocalPoint.Center, dir));
            }
            case "magick":
                return ($"Magick.NET-Q8 {typeof(MagickImage).Assembly.GetName().Version}: jpeg:size hint (shrink-on-load), cascade Resize, Strip, same qualities, {a.Parallel} photos in parallel", a.Parallel,
                    (src, dir) => Magick(src, dir, a, o));
            case "imagesharp":
                return ($"SixLabors.ImageSharp {typeof(SixLabors.ImageSharp.Image).Assembly.GetName().Version}: full decode (2.x has no shrink-on-load), cascade Resize (bicubic), metadata cleared, same qualities, {a.Parallel} photos in parallel", a.Parallel,
                    (src, dir) => ImageSharp(src, dir, o));
            case "skia":
                return ($"SkiaSharp {typeof(SKCodec).Assembly.GetName().Version}: SKCodec sampled decode, cascade Resize (Mitchell), same qualities, {a.Parallel} photos in parallel", a.Parallel,
                    (src, dir) => Skia(src, dir, o));
            default:
                throw new ArgumentException($"unknown pipeline {a.Pipeline}");
        }
    }

    private static (string, int, Action<string, string>) Backstage(MediaOptions o, List<RenditionSpec> specs, int parallel, string description)
    {
        MediaRuntime.Initialize();
        var p = new VipsImageProcessor(o);
        return (description, parallel, (src, dir) => p.Render(src, specs, FocalPoint.Center, dir));
    }

    private static void Magick(string src, string dir, BenchArgs a, MediaOptions o)
    {
        Directory.CreateDirectory(dir);
        int max = Widths[0];
        // libjpeg DCT-domain downscale to the smallest scale still ≥ the hint: the shrink-on-load equivalent
        var settings = new MagickReadSettings(new JpegReadDefines { Size = new MagickGeometry((uint)max, (uint)Math.Ceiling(max * (double)a.Height / a.Width)) });
        using var decoded = new MagickImage(src, settings);
        decoded.AutoOrient();
        decoded.Strip();
        IMagickImage<byte> level = decoded;
        try
        {
            foreach (var w in Widths)
            {
                var next = level.Clone();
                next.Resize((uint)w, 0); // Lanczos for reductions
                if (!ReferenceEquals(level, decoded)) level.Dispose();
                level = next;
                level.Quality = (uint)o.JpegQuality;
                level.Write(Path.Combine(dir, $"w{w}.jpg"), MagickFormat.Jpeg);
                level.Quality = (uint)o.WebpQuality;
                level.Write(Path.Combine(dir, $"w{w}.webp"), MagickFormat.WebP);
            }
        }
        finally
        {
            if (!ReferenceEquals(level, decoded)) level.Dispose();
        }
    }

    /// <summary>
    /// ImageSharp 2.1.13 at its best: one decode (its JPEG decoder has no DCT-domain downscale before 3.x), auto-orient,
    /// every profile dropped, then the same cascade and qualities as the others. Its own pixel-row parallelism stays on.
    /// </summary>
    private static void ImageSharp(string src, string dir, MediaOptions o)
    {
        Directory.CreateDirectory(dir);
        using var decoded = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(src);
        decoded.Mutate(x => x.AutoOrient());
        decoded.Metadata.ExifProfile = null;
        decoded.Metadata.IptcProfile = null;
        decoded.Metadata.XmpProfile = null;
        decoded.Metadata.IccProfile = null;
        var jpeg = new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = o.JpegQuality };
        var webp = new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { Quality = o.WebpQuality, FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossy };
        SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> level = decoded;
        try
        {
            foreach (var w in Widths)
            {
                var next = level.Clone(x => x.Resize(w, 0, KnownResamplers.Bicubic));
                if (!ReferenceEquals(level, decoded)) level.Dispose();
                level = next;
                level.Save(Path.Combine(dir, $"w{w}.jpg"), jpeg);
                level.Save(Path.Combine(dir, $"w{w}.webp"), webp);
            }
        }
        finally
        {
            if (!ReferenceEquals(level, decoded)) level.Dispose();
        }
    }

    private static void Skia(string src, string dir, MediaOptions o)
    {
        Directory.CreateDirectory(dir);
        int max = Widths[0];
        using var codec = SKCodec.Create(src) ?? throw new InvalidOperationException("skia cannot open " + src);
        var size = codec.GetScaledDimensions(max / (float)codec.Info.Width);
        if (size.Width < max) size = codec.Info.Size; // sampled decode only when it still covers the largest width
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var decoded = new SKBitmap(info);
        var r = codec.GetPixels(info, decoded.GetPixels());
        if (r is not (SKCodecResult.Success or SKCodecResult.IncompleteInput)) throw new InvalidOperationException($"skia decode: {r}");
        var sampling = new SKSamplingOptions(SKCubicResampler.Mitchell);
        SKBitmap level = decoded;
        try
        {
            foreach (var w in Widths)
            {
                int h = (int)Math.Round(w * (double)level.Height / level.Width);
                var next = level.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque), sampling);
                if (!ReferenceEquals(level, decoded)) level.Dispose();
                level = next;
                using var pix = level.PeekPixels();
                using (var jpg = pix.Encode(new SKJpegEncoderOptions(o.JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
                    File.WriteAllBytes(Path.Combine(dir, $"w{w}.jpg"), jpg!.ToArray());
                using (var webp = pix.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, o.WebpQuality)))
                    File.WriteAllBytes(Path.Combine(dir, $"w{w}.webp"), webp!.ToArray());
            }
        }
        finally
        {
            if (!ReferenceEquals(level, decoded)) level.Dispose();
        }
    }
}
