using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Jobs;

public enum JobState { Pending = 0, Running = 1, Succeeded = 2, Failed = 3 }

/// <summary>A durable unit of background work in PostgreSQL (see <see cref="JobQueue"/>).</summary>
public sealed class Job
{
    public long Id { get; set; }
    public string Kind { get; set; } = "";
    public string Payload { get; set; } = "";
    public JobState State { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Due jobs are claimed lowest priority first (0, the default, before <see cref="JobQueue.Background"/>), then oldest first.</summary>
    public int Priority { get; set; }
    public DateTimeOffset RunAfter { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LockedBy { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> b)
    {
        b.ToTable("jobs");
        b.Property(j => j.Kind).HasMaxLength(60);
        b.Property(j => j.Payload).HasMaxLength(4000);
        b.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        b.Property(j => j.LockedBy).HasMaxLength(200);
        b.Property(j => j.LastError).HasMaxLength(4000);
        b.HasIndex(j => new { j.State, j.RunAfter });
        b.HasIndex(j => new { j.Kind, j.Payload });
    }
}

/// <summary>Bound from "Backstage:Jobs".</summary>
public sealed class JobOptions
{
    public const string Section = "Backstage:Jobs";
    /// <summary>Hosted workers on this node (each node adds its own). 0 disables them (tests drive the queue directly).</summary>
    public int Workers { get; set; } = 2;
    /// <summary>How long a claim lasts without a heartbeat; a dead worker's job is retried after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Retry n waits RetryBaseDelay × 2^(n-1).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How often the sweeper removes orphan temp and rendition files; 0 disables it.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Orphan files younger than this are left alone (an upload or render may still be finishing).</summary>
    public TimeSpan OrphanAge { get; set; } = TimeSpan.FromHours(3);
    /// <summary>CPU priority of render threads against requests (<see cref="Jobs.RenderPriority"/>; docs/benchmarks.md measures each).</summary>
    public RenderPriority RenderPriority { get; set; } = RenderPriority.Low;
}

/// <summary>Runs one kind of job. Must be idempotent: a job may run again after a crash or a lost lease.</summary>
public interface IJobHandler
{
    string Kind { get; }
    Task RunAsync(Job job, CancellationToken ct);
    /// <summary>Called after a failed attempt (in a fresh scope); <paramref name="final"/> when no retry follows.</summary>
    Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct);
}
