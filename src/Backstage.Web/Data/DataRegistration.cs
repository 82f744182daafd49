using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Data;

public static class DataRegistration
{
    public const string ConnectionStringName = "Backstage";

    /// <summary>
    /// Registers the DbContext on the configured PostgreSQL server. With no connection string, Development starts
    /// a private cluster from the machine's PostgreSQL binaries under DataDirectory/postgres and stops it on shutdown.
    /// </summary>
    public static async Task AddBackstageDataAsync(this WebApplicationBuilder builder)
    {
        var dataDirectory = Path.GetFullPath(BackstageOptions.Read(builder.Configuration).DataDirectory, builder.Environment.ContentRootPath);
        builder.Services.AddOptions<BackstageOptions>().BindConfiguration(BackstageOptions.Section)
            .PostConfigure(o => o.DataDirectory = dataDirectory)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackstageOptions>, BackstageOptionsValidator>();

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (!builder.Environment.IsDevelopment())
                throw new StartupException(
                    "No database configured. Set ConnectionStrings__Backstage (for example " +
                    "\"Host=db;Database=backstage;Username=backstage;Password=…\"), or run in Development " +
                    "(ASPNETCORE_ENVIRONMENT=Development) to use a private PostgreSQL cluster started from this machine's binaries.");
            if (EmbeddedPostgres.FindBinaries() is null) throw new StartupException(EmbeddedPostgres.MissingBinariesMessage);

            var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(dataDirectory, "postgres") });
            await pg.CreateDatabaseAsync("backstage");
            connectionString = pg.ConnectionString("backstage");
            builder.Services.AddSingleton(pg);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }

        builder.Services.AddDbContext<BackstageDbContext>(o => o
            // Retries bridge a database restart (a few seconds) without making readers wait half a minute for an error page.
            .UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null))
            .UseSnakeCaseNamingConvention());

        builder.Services.AddSingleton<SiteSecrets>();
        builder.Services.AddDataProtection()
            .SetApplicationName("Backstage")
            .PersistKeysToDbContext<BackstageDbContext>();

        builder.Services.AddHealthChecks()
            .AddDbContextCheck<BackstageDbContext>("database", tags: ["ready"])
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
    }
}

public static class MigrationExtensions
{
    /// <summary>
    /// Migrate, creating the history table first: on a new database EF Core otherwise reads it before it exists and
    /// logs that expected failure as an error (npgsql/efcore.pg#3407), which reads like a broken first start.
    /// </summary>
    public static async Task ApplyMigrationsAsync(this BackstageDbContext db, CancellationToken ct = default)
    {
        await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
    }
}

/// <summary>A configuration problem the operator must fix; Program prints the message alone, no stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>Stops the embedded cluster when the app shuts down (fast mode: the server checkpoints first).</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgres pg) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => pg.StopAsync(immediate: false);
}
