using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Data;

/// <summary>Ready only while the data directory accepts writes (media uploads and renditions land there).</summary>
internal sealed class StorageHealthCheck(IOptions<BackstageOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            Directory.CreateDirectory(options.Value.DataDirectory);
            var probe = Path.Combine(options.Value.DataDirectory, $".health-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(probe, "ok", ct);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("storage is not writable: " + e.Message);
        }
    }
}
