using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Jobs;

/// <summary>
/// PostgreSQL job queue. Claim = one UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) that takes a lease, lowest
/// <see cref="Job.Priority"/> first; a job whose lease ran out (its worker died) is claimable again. Completion and failure
/// only count for the run holding the lease (worker and attempt number, a fencing token), so a job finishes exactly once;
/// a handler fences its own writes with <see cref="HoldsLeaseAsync"/>. The heartbeat survives errors (it retries with
/// backoff) and cancels the handler's token once another worker holds the lease. Failures retry with exponential backoff
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

    /// <summary>Claims the next due job (or one whose lease expired) for <paramref name="workerId"/>, of <paramref name="kind"/> only when given.</summary>
    public async Task<Job?> ClaimAsync(string workerId, TimeSpan? lease = null, CancellationToken ct = default, string? kind = null)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var now = clock.GetUtcNow();
        var leaseUntil = now + (lease ?? O.Lease);
        var jobs = await db.Set<Job>().FromSqlInterpolated($"""
            UPDATE jobs SET state = 'Running', attempts = attempts + 1, lease_until = {leaseUntil}, locked_by = {workerId}, updated_at = {now}
            WHERE id = (
                SELECT id FROM jobs
                WHERE ((state = 'Pending' AND run_after <= {now}) OR (state = 'Running' AND lease_until < {now}))
                  AND ({kind}::text IS NULL OR kind = {kind})
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
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId && j.Attempts == job.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), ct) == 1;
    }

    /// <summary>Marks the job done if <paramref name="workerId"/> still holds it; false otherwise (someone else took over).</summary>
    public async Task<bool> CompleteAsync(Job job, string workerId, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var now = clock.GetUtcNow();
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId && j.Attempts == job.Attempts)
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
        int n = await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId && j.Attempts == job.Attempts)
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
        return await db.Set<Job>().Where(j => j.Id == job.Id && j.State == JobState.Running && j.LockedBy == workerId && j.Attempts == job.Attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Pending).SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null).SetProperty(j => j.LockedBy, (string?)null)) == 1;
    }

    /// <summary>After <paramref name="failures"/> failed heartbeats in a row: 1/8 of the interval, doubling, at most the interval.</summary>
    internal static TimeSpan HeartbeatBackoff(TimeSpan every, int failures) =>
        TimeSpan.FromTicks(Math.Min(every.Ticks, every.Ticks / 8 * (1L << Math.Min(failures - 1, 3))));

    /// <summary>
    /// The fence for a handler's results: call it inside the transaction that writes them. It locks the job's row (a
    /// claim skips locked rows, so nobody can take the job over until that transaction ends) and says whether this run
    /// (<see cref="Job.LockedBy"/> and <see cref="Job.Attempts"/> as claimed) still holds the lease. When false, write nothing.
    /// </summary>
    public static async Task<bool> HoldsLeaseAsync(BackstageDbContext db, Job job, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("HoldsLeaseAsync must run inside the transaction that writes the results.");
        var rows = await db.Database.SqlQuery<long>($"""
            SELECT id AS "Value" FROM jobs
            WHERE id = {job.Id} AND state = 'Running' AND locked_by = {job.LockedBy} AND attempts = {job.Attempts}
            FOR UPDATE
            """).ToListAsync(ct);
        return rows.Count == 1;
    }

    public TimeSpan RetryDelay(int attempts)
    {
        var ticks = O.RetryBaseDelay.Ticks * Math.Pow(2, Math.Max(0, attempts - 1));
        return ticks >= O.MaxRetryDelay.Ticks ? O.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Claims and runs one job. Returns false when nothing was due.</summary>
    public async Task<bool> RunOnceAsync(string workerId, CancellationToken ct = default, string? kind = null)
    {
        var job = await ClaimAsync(workerId, null, ct, kind);
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
        // The handler's token: the worker stopping, or the lease lost to another worker (its results would not count).
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bool leaseLost = false;
        var heartbeat = Task.Run(async () =>
        {
            var every = O.Lease / 3;
            if (every <= TimeSpan.Zero) return;
            // A failed heartbeat (a failover, a dropped connection) is retried sooner, backing off up to the usual
            // interval; only an answer that another worker holds the job ends it. Never dies on the first error.
            var wait = every;
            int failures = 0;
            try
            {
                while (!beat.IsCancellationRequested)
                {
                    await Task.Delay(wait, clock, beat.Token);
                    bool held;
                    try
                    {
                        held = await HeartbeatAsync(job, workerId, beat.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !beat.IsCancellationRequested)
                    {
                        failures++;
                        wait = HeartbeatBackoff(every, failures);
                        log.LogWarning(e, "Heartbeat for job {Id} failed ({Failures} in a row); retrying in {Wait}", job.Id, failures, wait);
                        continue;
                    }
                    failures = 0;
                    wait = every;
                    if (!held)
                    {
                        leaseLost = true;
                        log.LogWarning("Job {Id} lost its lease on {Worker} (another worker took it over); stopping this run", job.Id, workerId);
                        await run.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        try
        {
            using (var scope = scopes.CreateScope())
            {
                var handler = scope.ServiceProvider.GetServices<IJobHandler>().FirstOrDefault(h => h.Kind == job.Kind)
                              ?? throw new PermanentJobException($"no handler for job kind \"{job.Kind}\"");
                await handler.RunAsync(job, run.Token);
            }
            await beat.CancelAsync();
            if (!await CompleteAsync(job, workerId, CancellationToken.None))
                log.LogWarning("Job {Id} finished on {Worker} after its lease was taken over; the other run counts", job.Id, workerId);
        }
        catch (Exception) when (leaseLost && !ct.IsCancellationRequested)
        {
            // Another worker runs the job now: this run neither completes nor fails it.
            await beat.CancelAsync();
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
