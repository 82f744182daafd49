using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Backstage.Web.Jobs;

/// <summary>How render threads compete with requests for the CPU ("Backstage:Jobs:RenderPriority").</summary>
public enum RenderPriority
{
    /// <summary>Like any thread (renders take both cores from requests during an ingest).</summary>
    Normal,
    /// <summary>nice 19 per thread (setpriority on the thread's tid): a request thread gets about 60 times the share.</summary>
    Low,
    /// <summary>SCHED_IDLE per thread: renders get only the CPU nothing else wants.</summary>
    Idle,
}

/// <summary>
/// The dedicated threads renders run on (docs/galleries.md, "Readers first"): thread-pool threads are shared with
/// requests, so a render gets its own thread whose Linux priority is lowered once, at start, by
/// <see cref="RenderPriority"/>; libvips' own worker threads, created from it, inherit it. Elsewhere (not Linux) the
/// threads run at normal priority. Work is queued to as many threads as the node has cores.
/// </summary>
public sealed class RenderThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly ILogger<RenderThreads> _log;

    public RenderThreads(Microsoft.Extensions.Options.IOptions<JobOptions> options, ILogger<RenderThreads> log)
    {
        _log = log;
        Priority = options.Value.RenderPriority;
        for (var i = 0; i < Math.Max(1, Environment.ProcessorCount); i++)
            new Thread(Loop) { IsBackground = true, Name = $"render-{i + 1}" }.Start();
    }

    public RenderPriority Priority { get; }

    /// <summary>Runs <paramref name="work"/> on a render thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            if (ct.IsCancellationRequested) { done.TrySetCanceled(ct); return; }
            try { done.TrySetResult(work()); }
            catch (Exception e) { done.TrySetException(e); }
        }, ct);
        return done.Task;
    }

    private void Loop()
    {
        Lower(Priority);
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    private void Lower(RenderPriority priority)
    {
        if (priority == RenderPriority.Normal || !OperatingSystem.IsLinux()) return;
        try
        {
            var tid = gettid();
            var ok = priority == RenderPriority.Idle
                ? sched_setscheduler(tid, SchedIdle, new SchedParam()) == 0
                : setpriority(PrioProcess, (uint)tid, 19) == 0;
            if (!ok) _log.LogWarning("Could not lower render thread {Tid} to {Priority} (errno {Errno})", tid, priority, Marshal.GetLastPInvokeError());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _log.LogWarning(e, "Render threads keep normal priority: libc has no gettid/setpriority here");
        }
    }

    /// <summary>The current thread's priority as Linux reports it: (nice, scheduling policy); for tests and benchmarks.</summary>
    internal static (int Nice, int Policy) Current()
    {
        var tid = gettid();
        return (getpriority(PrioProcess, (uint)tid), sched_getscheduler(tid));
    }

    public void Dispose() => _work.CompleteAdding();

    private const int PrioProcess = 0;
    internal const int SchedIdle = 5;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam { public int Priority; }

    [DllImport("libc", SetLastError = true)] private static extern int gettid();
    [DllImport("libc", SetLastError = true)] private static extern int setpriority(int which, uint who, int prio);
    [DllImport("libc", SetLastError = true)] private static extern int getpriority(int which, uint who);
    [DllImport("libc", SetLastError = true)] private static extern int sched_setscheduler(int pid, int policy, in SchedParam param);
    [DllImport("libc", SetLastError = true)] private static extern int sched_getscheduler(int pid);
}
