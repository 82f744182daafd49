using NetVips;

namespace Backstage.Media;

/// <summary>Process-wide libvips set-up. Call once at start-up; repeated calls do nothing.</summary>
public static class MediaRuntime
{
    /// <summary>The only libvips loaders left enabled (their subclasses File/Buffer/Source included).</summary>
    public static readonly IReadOnlyList<string> AllowedLoaders =
        ["VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadHeif", "VipsForeignLoadTiff"];

    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>
    /// Threads libvips uses per image. 1: the JPEG/WebP encoders are single-threaded anyway, and
    /// running <see cref="RecommendedParallelism"/> photos side by side is about 1.6× faster
    /// on 2 cores than one photo with libvips' own thread pool (docs/benchmarks.md).
    /// </summary>
    public const int VipsConcurrency = 1;

    /// <summary>How many renders a job worker should run at once.</summary>
    public static int RecommendedParallelism => Math.Max(1, Environment.ProcessorCount);

    public static bool IsInitialized { get { lock (Gate) return _initialized; } }

    public static void Initialize()
    {
        lock (Gate)
        {
            if (_initialized) return;
            if (!ModuleInitializer.VipsInitialized)
                throw new InvalidOperationException("libvips failed to load: " + ModuleInitializer.Exception?.Message, ModuleInitializer.Exception);
            NetVips.NetVips.BlockUntrusted = true;
            // Deny every loader, then allow back only the formats Backstage accepts.
            Operation.Block("VipsForeignLoad", true);
            foreach (var loader in AllowedLoaders) Operation.Block(loader, false);
            Cache.Max = 0;          // no operation cache: uploads are processed once, and it holds memory
            NetVips.NetVips.Concurrency = VipsConcurrency;
            _initialized = true;
        }
    }
}
