using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Jobs;

/// <summary>
/// PostgreSQL job queue. Claim = one UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) that takes a lease, lowest
/// <see cref="Job.Priority"/> first; a job whose lease ran out (its worker died) is claimable again. Completion and failure
/// only count for the worker holding the lease, so a job finishes exactly once. Failures retry with exponential backoff
/// up to MaxAttempts, then stay Failed with the error.
/// </summary>
public sealed class JobQueue(IServiceScopeFactory scopes, IOptions<JobOptions> options, TimeProvider clock, ILogger<JobQueue> log)
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private JobOptions O => options.Value;

    /// <summary>Priority of work that may wait until every node's workers have nothing more urgent (e.g. AVIF renditions).</summary>
    public const int Background = 10;

    /// <summary>Adds a job to <paramref name="db"/>'s change tracker: it is saved in the caller's SaveChanges/transaction.</summary>
    public Job Enqueue(BackstageDbContext db, string kind, string payload, int priority = 0)
    {
        var now = clock.GetUtcNow();
        var job = new Job { Kind = kind, Payload = payload, Priority = priority, MaxAttempts = O.MaxAttempts, RunAfter = now, CreatedAt = now, UpdatedAt = now };
        db.Set<Job>().Add(job);
        return job;
    }

    /// <summary>
    /// Wakes idle workers in this process. Every node also calls it when PostgreSQL notifies a new job (an insert trigger
    /// on jobs, see Cluster.ClusterSql), so calling it after committing an enqueue only saves that round trip.
    /// </summary>
    public void Notify()
    {
        if (_signal.CurrentCount < 64) _signal.Release(); // a node without workers must not count up forever
    }

    internal async Task WaitForWorkAsync(TimeSpan max, CancellationToken ct)
    {
        try { await _signal.WaitAsync(max, ct); } catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }

    /// <summary>Claims the next due job (or one whose lease expired) for <paramref name="workerId"/>.</summary>
    public async Task<Job?> ClaimAsync(string workerId, TimeSpan? lease = null, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var now = clock.GetUtcNow();
        var leaseUntil = now + (lease ?? O.Lease);
        var jobs = await db.Set<Job>().FromSqlInterpolated($"""
            UPDATE jobs SET state = 'Running', attempts = attempts + 1, lease_until = {leaseUntil}, locked_by = {workerId}, updated_at = {now}
            WHERE id = (
                SELECT id FROM jobs
                WHERE (state = 'Pending' AND run_after <= {now}) OR (state = 'Running' AND lease_until < {now})
                ORDER BY priority, run_after, id
                FOR UPDATE SKIP LOCKED
                LIMIT 1)
            RETURNING *
            """).AsNoTracking().ToListAsync(ct);
        return jobs.FirstOrDefault();
    }

    /// <summary>Extends the lease while the job runs; false when the lease was lost to another worker.</summary>
    public async Task<bool> HeartbeatAsync(Job job, string workerId, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var until = clock.GetUtcNow() + O.Lease;
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), ct) == 1;
    }

    /// <summary>Marks the job done if <paramref name="workerId"/> still holds it; false otherwise (someone else took over).</summary>
    public async Task<bool> CompleteAsync(Job job, string workerId, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var now = clock.GetUtcNow();
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Succeeded).SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.FinishedAt, now).SetProperty(j => j.UpdatedAt, now), ct) == 1;
    }

    /// <summary>Records a failed attempt: back to Pending after a backoff, or Failed when attempts are used up. Returns true if final.</summary>
    public async Task<bool?> FailAsync(Job job, string workerId, string error, bool permanent = false, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var now = clock.GetUtcNow();
        bool final = permanent || job.Attempts >= job.MaxAttempts;
        var delay = RetryDelay(job.Attempts);
        if (error.Length > 4000) error = error[..4000];
        int n = await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, final ? JobState.Failed : JobState.Pending)
                .SetProperty(j => j.RunAfter, final ? job.RunAfter : now + delay)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.LockedBy, (string?)null)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.FinishedAt, final ? now : null)
                .SetProperty(j => j.UpdatedAt, now), ct);
        return n == 1 ? final : null;
    }

    /// <summary>Gives a claimed job back untouched (shutdown): Pending again, the attempt not counted.</summary>
    public async Task<bool> ReleaseAsync(Job job, string workerId)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Pending).SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null).SetProperty(j => j.LockedBy, (string?)null)) == 1;
    }

    public TimeSpan RetryDelay(int attempts)
    {
        var ticks = O.RetryBaseDelay.Ticks * Math.Pow(2, Math.Max(0, attempts - 1));
        return ticks >= O.MaxRetryDelay.Ticks ? O.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Claims and runs one job. Returns false when nothing was due.</summary>
    public async Task<bool> RunOnceAsync(string workerId, CancellationToken ct = default)
    {
        var job = await ClaimAsync(workerId, null, ct);
        if (job is null) return false;
        await RunClaimedAsync(job, workerId, ct);
        return true;
    }

    /// <summary>Runs a job this worker has claimed: heartbeat while it runs, then complete or fail it.</summary>
    public async Task RunClaimedAsync(Job job, string workerId, CancellationToken ct = default)
    {
        // A job that already used all its attempts (its workers kept dying) is not run again.
        if (job.Attempts > job.MaxAttempts)
        {
            await FinishFailureAsync(job, workerId, job.LastError ?? "the worker stopped while running this job", true, ct);
            return;
        }
        using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = Task.Run(async () =>
        {
            var every = O.Lease / 3;
            if (every <= TimeSpan.Zero) return;
            try
            {
                while (!beat.IsCancellationRequested)
                {
                    await Task.Delay(every, clock, beat.Token);
                    await HeartbeatAsync(job, workerId, beat.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { log.LogWarning(e, "Heartbeat for job {Id} failed", job.Id); }
        }, CancellationToken.None);
        try
        {
            using (var scope = scopes.CreateScope())
            {
                var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == job.Kind)
                              ?? throw new PermanentJobException($"no handler for job kind \"{job.Kind}\"");
                await handler.RunAsync(job, ct);
            }
            await beat.CancelAsync();
            if (!await CompleteAsync(job, workerId, CancellationToken.None))
                log.LogWarning("Job {Id} finished on {Worker} after its lease was taken over; the other run counts", job.Id, workerId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand the job back at once (not counted as an attempt) so the next start picks it up
            // without waiting for the lease. If this fails too, the lease expiry covers it.
            await beat.CancelAsync();
            try { await ReleaseAsync(job, workerId); } catch (Exception e) { log.LogWarning(e, "Could not release job {Id}", job.Id); }
            throw;
        }
        catch (Exception e)
        {
            await beat.CancelAsync();
            log.LogWarning(e, "Job {Id} ({Kind}) attempt {Attempt} failed", job.Id, job.Kind, job.Attempts);
            var message = e is PermanentJobException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await FinishFailureAsync(job, workerId, message, e is PermanentJobException, CancellationToken.None);
        }
        finally
        {
            try { await heartbeat; } catch (OperationCanceledException) { }
        }
    }

    private async Task FinishFailureAsync(Job job, string workerId, string error, bool permanent, CancellationToken ct)
    {
        var final = await FailAsync(job, workerId, error, permanent, ct);
        if (final is null) return; // lease lost: the other worker reports
        using var scope = scopes.CreateScope();
        var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == job.Kind);
        if (handler is not null) await handler.OnFailureAsync(job, error, final.Value, ct);
    }
}

/// <summary>A failure that retrying cannot fix (bad input): the job fails at once.</summary>
public sealed class PermanentJobException(string message) : Exception(message);
