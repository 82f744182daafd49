using Microsoft.Extensions.Options;

namespace Backstage.Web.Jobs;

/// <summary>Runs <see cref="JobOptions.Workers"/> workers on this node, each claiming one job at a time.</summary>
internal sealed class JobWorkerService(JobQueue queue, IOptions<JobOptions> options, ILogger<JobWorkerService> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var n = Math.Max(0, options.Value.Workers);
        var node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
        return Task.WhenAll(Enumerable.Range(1, n).Select(i => WorkAsync($"{node}/{i}", stoppingToken)));
    }

    private async Task WorkAsync(string workerId, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await queue.RunOnceAsync(workerId, ct))
                    await queue.WaitForWorkAsync(options.Value.PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The database may be restarting: wait and try again, never die.
                log.LogWarning(e, "Job worker {Worker} could not claim work", workerId);
                try { await Task.Delay(options.Value.PollInterval * 5, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
