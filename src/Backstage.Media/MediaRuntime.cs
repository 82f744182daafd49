using System.Runtime.InteropServices;
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
            LimitMallocArenas();
            NetVips.NetVips.BlockUntrusted = true;
            // Deny every loader, then allow back only the formats Backstage accepts.
            Operation.Block("VipsForeignLoad", true);
            foreach (var loader in AllowedLoaders) Operation.Block(loader, false);
            Cache.Max = 0;          // no operation cache: uploads are processed once, and it holds memory
            NetVips.NetVips.Concurrency = VipsConcurrency;
            _initialized = true;
        }
    }

    /// <summary>
    /// glibc gives every thread that allocates under contention its own malloc arena (up to 8 per core), and libvips'
    /// decode and encode buffers then stay spread over all of them: the process's resident memory grows with the number
    /// of threads that ever rendered, not with the photos in flight. The Dockerfile and the bench runners set
    /// MALLOC_ARENA_MAX=2 (a bench trial without it passed 790 MB); this gives the same cap to every other way of
    /// starting a node (dotnet run, scripts/cluster.sh, a service unit), from the first render on. The environment
    /// variable, when set, wins — so the measured figures in docs/benchmarks.md are the variable's, not this call's.
    /// Not glibc (musl, macOS): nothing to do.
    /// </summary>
    private static void LimitMallocArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return;
        try { _ = mallopt(MArenaMax, 2); }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }

    private const int MArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
