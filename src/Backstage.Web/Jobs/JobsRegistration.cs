
namespace Backstage.Web.Jobs;

public static class JobsRegistration
{
    /// <summary>The PostgreSQL job queue and this node's workers (features add their <see cref="IJobHandler"/>s). Config: Backstage:Jobs.</summary>
    public static void AddBackstageJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section)
            .Validate(o => o.Workers >= 0, $"{JobOptions.Section}:Workers must be 0 (this node only serves pages) or more.")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1), $"{JobOptions.Section}:Lease must be at least 00:00:01.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{JobOptions.Section}:PollInterval must be positive.")
            .Validate(o => o.MaxAttempts >= 1, $"{JobOptions.Section}:MaxAttempts must be at least 1.")
            .Validate(o => o.OrphanAge >= TimeSpan.Zero && o.RetryBaseDelay >= TimeSpan.Zero, $"{JobOptions.Section}: OrphanAge and RetryBaseDelay cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobQueue>();
        builder.Services.AddSingleton<RenderThreads>();
        builder.Services.AddHostedService<JobWorkerService>();
    }
}
