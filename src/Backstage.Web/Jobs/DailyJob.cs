using System.Globalization;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Jobs;

/// <summary>
/// A job that runs once a day at <see cref="SendAt"/> site time (payload: the date, yyyy-MM-dd), such as the admins'
/// moderation digest and the editors' expiring-licences digest. Every node makes sure the next day's job exists (at
/// start, every hour, and after a day's job ran); an advisory lock around "exists? else insert" makes that one job
/// however many nodes run, and the job queue runs it once.
/// </summary>
public abstract class DailyJob(BackstageDbContext db, JobQueue queue, TimeProvider clock, IOptions<BackstageOptions> site)
{
    public static readonly TimeSpan SendAt = TimeSpan.FromHours(8);

    /// <summary>The job kind, which its handler answers to.</summary>
    public abstract string Kind { get; }

    /// <summary>The advisory-lock key that serializes scheduling this kind across nodes (one per kind).</summary>
    protected abstract int ScheduleLock { get; }

    /// <summary>The day a job of this kind is for.</summary>
    public static DateOnly DayOf(Job job) => DateOnly.ParseExact(job.Payload, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Ensures the next job (after <paramref name="sent"/>, the day just sent, if given) is queued; returns its date.</summary>
    public async Task<DateOnly> EnsureScheduledAsync(DateOnly? sent = null, CancellationToken ct = default)
    {
        var zone = site.Value.TimeZone;
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (local.TimeOfDay >= SendAt) day = day.AddDays(1);
        if (sent is { } done && day <= done) day = done.AddDays(1);
        var payload = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var due = day.ToDateTime(TimeOnly.FromTimeSpan(SendAt));
        var dueUtc = new DateTimeOffset(due, zone.GetUtcOffset(due)).ToUniversalTime();
        var kind = Kind;
        await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({ScheduleLock})", ct);
            if (!await db.Set<Job>().AnyAsync(j => j.Kind == kind && j.Payload == payload, ct))
            {
                queue.Enqueue(db, kind, payload).RunAfter = dueUtc;
                await db.SaveChangesAsync(ct);
            }
        }, ct);
        return day;
    }
}

public static class DailyJobRegistration
{
    /// <summary>Registers <typeparamref name="T"/> and, on every node, the hourly check that its next day is queued.</summary>
    public static IServiceCollection AddDailyJob<T>(this IServiceCollection services) where T : DailyJob
    {
        services.AddScoped<T>();
        services.AddHostedService<DailyJobScheduler<T>>();
        return services;
    }
}

/// <summary>On every node: at start and every hour, make sure the next <typeparamref name="T"/> is queued (idempotent across nodes).</summary>
internal sealed class DailyJobScheduler<T>(IServiceScopeFactory scopes, ILogger<DailyJobScheduler<T>> log) : BackgroundService where T : DailyJob
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<T>().EnsureScheduledAsync(ct: stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Could not schedule the next {Job}; trying again later", typeof(T).Name); }
            try { await Task.Delay(TimeSpan.FromHours(1), stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
