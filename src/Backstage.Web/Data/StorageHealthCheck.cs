using Backstage.Web.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Data;

/// <summary>
/// Ready only while this node's spool accepts writes (uploads and renders pass through it) and the media store answers
/// (a missing probe object is an answer; a refused connection or bad credentials are not).
/// </summary>
internal sealed class StorageHealthCheck(IOptions<MediaStorageOptions> options, IMediaStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var spool = options.Value.SpoolDirectory!;
            Directory.CreateDirectory(spool);
            var probe = Path.Combine(spool, $".health-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(probe, "ok", ct);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("the spool directory is not writable: " + e.Message);
        }
        try
        {
            await store.StatAsync("health/probe", ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the media store does not answer: " + e.Message);
        }
    }
}
