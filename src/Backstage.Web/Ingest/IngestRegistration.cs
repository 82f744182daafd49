using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

public static class IngestRegistration
{
    /// <summary>Resumable and ZIP uploads, batch order, credit presets, the abandoned-upload sweeper. Config: Backstage:Ingest.</summary>
    public static void AddBackstageIngest(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section)
            .Validate(o => o.ChunkBytes >= 64 * 1024 && o.MaxPhotosPerShow > 0 && o.MaxCompressionRatio >= 1 && o.MaxArchiveEntries > 0 && o.MaxOpenUploadsPerEditor > 0,
                "Backstage:Ingest: ChunkBytes ≥ 64 KB, MaxPhotosPerShow > 0, MaxArchiveEntries > 0, MaxCompressionRatio ≥ 1, MaxOpenUploadsPerEditor > 0")
            .ValidateOnStart();
        s.AddScoped<ArchiveIngest>();
        s.AddScoped<IngestService>();
        s.AddScoped<ResumableUploads>();
        s.AddScoped<IJobHandler, CompleteUploadHandler>();
        s.AddHostedService<IngestSweeperService>();
    }
}

/// <summary>Sweeps abandoned uploads on the media sweeper's interval (any node may; the deletes are idempotent).</summary>
internal sealed class IngestSweeperService(IServiceScopeFactory scopes, IOptions<JobOptions> options, ILogger<IngestSweeperService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.SweepInterval;
        if (every <= TimeSpan.Zero) return; // every node: page-only nodes receive uploads too
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ResumableUploads>().SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Upload sweep failed"); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
