using System.Data.Common;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backstage.Web.Tests.Jobs;

/// <summary>
/// A short lease (heartbeat every second), a job kind the test holds open, and a switch that breaks the next heartbeat
/// commands the way a failover does (the command throws on a dead connection).
/// </summary>
public sealed class LeaseFactory : GalleryFactory
{
    public GateHandler Gate { get; } = new();
    public HeartbeatBreaker Breaker { get; } = new();
    public LogCapture Logs { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Jobs:Lease", "00:00:03");
        builder.ConfigureServices(s =>
        {
            s.AddSingleton<IJobHandler>(Gate);
            s.AddSingleton<ILoggerProvider>(Logs);
            s.ConfigureDbContext<BackstageDbContext>(o => o.AddInterceptors(Breaker));
        });
    }
}

/// <summary>Throws on the next <see cref="FailNext"/> heartbeat commands (UPDATE jobs SET lease_until only).</summary>
public sealed class HeartbeatBreaker : DbCommandInterceptor
{
    private int _failNext;
    public int FailNext { set => Volatile.Write(ref _failNext, value); }
    public int Broken;

    private void Check(DbCommand command)
    {
        var sql = command.CommandText;
        if (!sql.Contains("UPDATE jobs", StringComparison.Ordinal) || !sql.Contains("SET lease_until", StringComparison.Ordinal) || sql.Contains("finished_at", StringComparison.Ordinal)) return;
        if (Interlocked.Decrement(ref _failNext) < 0) { Interlocked.Increment(ref _failNext); return; }
        Interlocked.Increment(ref Broken);
        throw new InvalidOperationException("the connection to PostgreSQL was lost (injected)");
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Check(command);
        return base.NonQueryExecutingAsync(command, eventData, result, ct);
    }
}

/// <summary>A job that waits until the test lets it go, then writes its "result" only while it still holds the lease.</summary>
public sealed class GateHandler : IJobHandler
{
    public const string KindName = "test-gate";
    public string Kind => KindName;
    public TaskCompletionSource<Job> Started { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<bool> Cancelled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Whether the handler, once released, was allowed to write its result.</summary>
    public TaskCompletionSource<bool> Wrote { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public IServiceProvider? Services { get; set; }

    public void Reset()
    {
        Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Wrote = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        Started.TrySetResult(job);
        using (ct.Register(() => Cancelled.TrySetResult(true)))
            await Release.Task;
        using var scope = Services!.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        Wrote.TrySetResult(await db.InTransactionAsync(() => JobQueue.HoldsLeaseAsync(db, job, CancellationToken.None), CancellationToken.None));
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}

public sealed class JobLeaseTests(LeaseFactory factory) : IClassFixture<LeaseFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60); // a hang guard, not a measurement

    private async Task<Job> EnqueueAsync() => await factory.WithDbAsync(async db =>
    {
        var job = factory.Queue.Enqueue(db, GateHandler.KindName, Guid.NewGuid().ToString());
        await db.SaveChangesAsync();
        return job;
    });

    private Task<Job> JobAsync(long id) => factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == id));

    /// <summary>Waits until the job's lease was extended past <paramref name="after"/> (a heartbeat got through).</summary>
    private async Task<DateTimeOffset> LeaseExtendedPastAsync(long id, DateTimeOffset after)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (true)
        {
            var until = (await JobAsync(id)).LeaseUntil!.Value;
            if (until > after) return until;
            await Task.Delay(200, cts.Token);
        }
    }

    [Fact]
    public async Task A_failed_heartbeat_is_retried_and_later_heartbeats_keep_the_lease()
    {
        factory.Gate.Reset();
        factory.Breaker.FailNext = 0;
        factory.Gate.Services = factory.Services;
        var queued = await EnqueueAsync();
        var job = (await factory.Queue.ClaimAsync("worker-a"))!;
        Assert.Equal(queued.Id, job.Id);
        var run = factory.Queue.RunClaimedAsync(job, "worker-a");
        await factory.Gate.Started.Task.WaitAsync(Patience);

        // The next two heartbeats hit a dead connection.
        factory.Breaker.FailNext = 2;
        var claimed = (await JobAsync(job.Id)).LeaseUntil!.Value;
        using (var cts = new CancellationTokenSource(Patience))
            while (Volatile.Read(ref factory.Breaker.Broken) < 2) await Task.Delay(100, cts.Token);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Heartbeat for job {job.Id} failed"));

        // Heartbeats go on after the failures: the lease is extended again, twice.
        var first = await LeaseExtendedPastAsync(job.Id, claimed);
        await LeaseExtendedPastAsync(job.Id, first);
        Assert.False(factory.Gate.Cancelled.Task.IsCompleted);

        factory.Gate.Release.SetResult();
        await run.WaitAsync(Patience);
        Assert.True(await factory.Gate.Wrote.Task);
        Assert.Equal(JobState.Succeeded, (await JobAsync(job.Id)).State);
    }

    [Fact]
    public async Task A_worker_whose_lease_was_taken_over_is_stopped_and_cannot_write_or_complete()
    {
        factory.Gate.Reset();
        factory.Breaker.FailNext = 0;
        factory.Gate.Services = factory.Services;
        await EnqueueAsync();
        var job = (await factory.Queue.ClaimAsync("worker-a"))!;
        var runA = factory.Queue.RunClaimedAsync(job, "worker-a");
        await factory.Gate.Started.Task.WaitAsync(Patience);

        // Worker A stalls (a long GC, a partition) past its lease; worker B takes the job over.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE jobs SET lease_until = now() - interval '1 minute' WHERE id = {job.Id}"));
        var takenOver = await factory.Queue.ClaimAsync("worker-b");
        Assert.Equal(job.Id, takenOver!.Id);
        Assert.Equal(job.Attempts + 1, takenOver.Attempts);

        // A's next heartbeat learns it lost the lease and cancels A's handler...
        Assert.True(await factory.Gate.Cancelled.Task.WaitAsync(Patience));
        // ...which, if it goes on to write anyway, is fenced out, and its run neither completes nor fails the job.
        factory.Gate.Release.SetResult();
        Assert.False(await factory.Gate.Wrote.Task.WaitAsync(Patience));
        await runA.WaitAsync(Patience);
        Assert.False(await factory.Queue.CompleteAsync(job, "worker-a"));
        var row = await JobAsync(job.Id);
        Assert.Equal(JobState.Running, row.State);
        Assert.Equal("worker-b", row.LockedBy);

        // Even a run with the same worker name but the older attempt number is fenced (the attempt is the token).
        Assert.False(await factory.Queue.CompleteAsync(new Job { Id = job.Id, LockedBy = "worker-b", Attempts = job.Attempts }, "worker-b"));
        Assert.True(await factory.Queue.CompleteAsync(takenOver, "worker-b"));
    }
}
