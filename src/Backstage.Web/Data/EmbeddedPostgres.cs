using System.Diagnostics;
using Npgsql;

namespace Backstage.Web.Data;

/// <summary>Settings for a private PostgreSQL cluster started from the machine's own binaries.</summary>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>Where the cluster lives; initdb creates it on first start.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Test clusters trade durability for speed (fsync off); the app's default never does.</summary>
    public bool Ephemeral { get; init; }

    /// <summary>Port used for the socket file name only: the cluster listens on a unix socket in its own directory, no TCP.</summary>
    public int Port { get; init; } = 5432;
}

/// <summary>
/// Starts and stops a private PostgreSQL cluster with initdb/pg_ctl. It listens only on a unix socket inside
/// its own data directory (mode 0700), so "trust" authentication reaches nobody but this machine's owner of that
/// directory. As root, the server runs as the unprivileged "postgres" user (initdb refuses root).
/// One class serves both the app (Development default) and the test suite.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string Superuser = "postgres";
    private readonly EmbeddedPostgresOptions _options;
    private readonly string _binDirectory;
    private readonly bool _asRoot;
    private bool _startedByUs;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, string binDirectory)
    {
        _options = options;
        _binDirectory = binDirectory;
        _asRoot = Environment.UserName == "root" || geteuid() == 0;
    }

    public string DataDirectory => _options.DataDirectory;

    /// <summary>Connection string for a database in this cluster (over the unix socket).</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = _options.DataDirectory,
        Port = _options.Port,
        Username = Superuser,
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>Finds initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin (newest first).</summary>
    public static string? FindBinaries()
    {
        var candidates = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable("BACKSTAGE_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv)) candidates.Add(fromEnv);
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    public const string MissingBinariesMessage =
        "Backstage needs PostgreSQL. No connection string is configured and no PostgreSQL server binaries (initdb, pg_ctl) " +
        "were found on PATH or under /usr/lib/postgresql/*/bin. Fix it one of these ways: install PostgreSQL " +
        "(Debian/Ubuntu: apt-get install postgresql), set ConnectionStrings__Backstage to an existing server, " +
        "or run 'docker compose up' from the repository root.";

    /// <summary>Creates the cluster if needed and starts it; returns once it accepts connections.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken ct = default)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(MissingBinariesMessage);
        var pg = new EmbeddedPostgres(options, bin);
        await pg.StartCoreAsync(ct);
        return pg;
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var dir = _options.DataDirectory;
        if (!File.Exists(Path.Combine(dir, "PG_VERSION")))
        {
            // A half-finished initdb (crash mid-way) leaves a directory without PG_VERSION: start over.
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            var parent = Path.GetDirectoryName(Path.GetFullPath(dir))!;
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(dir);
            if (_asRoot) await RunAsync("chown", ["postgres:postgres", dir], asPostgres: false, ct);
            var initArgs = new List<string> { "-D", dir, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8" };
            if (_options.Ephemeral) initArgs.Add("--no-sync");
            await RunAsync(Path.Combine(_binDirectory, "initdb"), initArgs, asPostgres: true, ct);
        }

        if (await IsRunningAsync(ct)) return; // another process of ours (or a previous run) already serves it

        var settings = $"-c listen_addresses='' -c unix_socket_directories='{dir}' -c unix_socket_permissions=0700 -p {_options.Port}";
        if (_options.Ephemeral) settings += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=1000";
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", dir, "-l", Path.Combine(dir, "server.log"), "-o", settings, "-w", "-t", "60", "start"], asPostgres: true, ct);
        _startedByUs = true;
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        var (code, _) = await TryRunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _options.DataDirectory, "status"], asPostgres: true, ct);
        return code == 0;
    }

    /// <summary>Creates a database unless it exists, optionally as a copy of a template.</summary>
    public async Task CreateDatabaseAsync(string name, string? template = null, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        var sql = $"CREATE DATABASE \"{name.Replace("\"", "")}\"" + (template is null ? "" : $" TEMPLATE \"{template.Replace("\"", "")}\"");
        await using var create = new NpgsqlCommand(sql, conn);
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stops the cluster if this instance started it. Fast mode lets the server checkpoint; immediate skips it (tests).</summary>
    public async Task StopAsync(bool immediate = false)
    {
        if (!_startedByUs) return;
        _startedByUs = false;
        NpgsqlConnection.ClearAllPools();
        await TryRunAsync(Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _options.DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], asPostgres: true, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await StopAsync(_options.Ephemeral);

    /// <summary>Synchronous stop for process-exit hooks.</summary>
    public void Stop(bool immediate) => StopAsync(immediate).GetAwaiter().GetResult();

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var (code, output) = await TryRunAsync(file, args, asPostgres, ct);
        if (code != 0)
            throw new InvalidOperationException($"'{Path.GetFileName(file)} {string.Join(' ', args)}' failed with exit code {code}:\n{output}");
    }

    private async Task<(int Code, string Output)> TryRunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp", // a directory the postgres user can enter
        };
        if (asPostgres && _asRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        }
        else psi.FileName = file;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C.UTF-8";

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // pg_ctl start leaves the server holding inherited pipes open; read asynchronously and don't wait for EOF.
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var both = Task.WhenAll(stdout, stderr);
        var output = await Task.WhenAny(both, Task.Delay(2000, ct)) == both ? stdout.Result + stderr.Result : "(output unavailable)";
        return (p.ExitCode, output);
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
