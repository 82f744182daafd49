using System.Diagnostics;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster per test run (the app's own EmbeddedPostgres, with fsync off), one migrated template
/// database, and a fresh copy of the template for each test class. Set BACKSTAGE_TEST_POSTGRES to a server's
/// connection string (e.g. a CI service container) to use it instead of starting a cluster.
/// </summary>
public static class TestDatabase
{
    private const string Template = "backstage_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Func<string, string>? _connectionFor;
    private static EmbeddedPostgres? _cluster;

    public static async Task<string> CreateAsync()
    {
        await EnsureTemplateAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var conn = new NpgsqlConnection(_connectionFor!("postgres"));
        await conn.OpenAsync();
        // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template; retry briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{Template}\"", conn);
                await cmd.ExecuteNonQueryAsync();
                break;
            }
            catch (PostgresException e) when (e.SqlState == "55006" && attempt < 20)
            {
                await Task.Delay(100);
            }
        }
        return _connectionFor!(name);
    }

    /// <summary>
    /// The test host can be ended before ProcessExit handlers finish (that leaked a running cluster and ~260 MB of
    /// /tmp per run). A detached watcher outlives it: once this process is gone it shuts the cluster down (SIGQUIT,
    /// PostgreSQL's immediate shutdown) and deletes its directory, however the process ended.
    /// </summary>
    private static void StartReaper(string dir, string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        var script = "exec </dev/null >/dev/null 2>&1; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 1; done; " +
            $"pg=$(head -n1 '{pidFile}'); " +
            "if [ -n \"$pg\" ]; then kill -QUIT \"$pg\"; while kill -0 \"$pg\"; do sleep 0.2; done; fi; " +
            $"rm -rf '{dir}'";
        var psi = new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var _ = Process.Start(psi) ?? throw new InvalidOperationException("could not start the cluster reaper");
    }

    private static async Task EnsureTemplateAsync()
    {
        if (_connectionFor is not null) return;
        await Gate.WaitAsync();
        try
        {
            if (_connectionFor is not null) return;
            var external = Environment.GetEnvironmentVariable("BACKSTAGE_TEST_POSTGRES");
            Func<string, string> connectionFor;
            if (!string.IsNullOrEmpty(external))
                connectionFor = db => new NpgsqlConnectionStringBuilder(external) { Database = db }.ConnectionString;
            else
            {
                var dir = Path.Combine(Path.GetTempPath(), $"backstage-tests-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
                _cluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(dir, "pg"), Ephemeral = true });
                StartReaper(dir, Path.Combine(dir, "pg"));
                connectionFor = _cluster.ConnectionString;
            }

            await using (var conn = new NpgsqlConnection(connectionFor("postgres")))
            {
                await conn.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Template}\" WITH (FORCE)", conn);
                await drop.ExecuteNonQueryAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Template}\"", conn);
                await create.ExecuteNonQueryAsync();
            }
            var options = new DbContextOptionsBuilder<BackstageDbContext>()
                .UseNpgsql(connectionFor(Template)).UseSnakeCaseNamingConvention().Options;
            await using (var db = new BackstageDbContext(options)) await db.ApplyMigrationsAsync();
            NpgsqlConnection.ClearAllPools();
            _connectionFor = connectionFor;
        }
        finally
        {
            Gate.Release();
        }
    }
}
