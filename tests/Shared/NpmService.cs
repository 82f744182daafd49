using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Backstage.Tests.Shared;

/// <summary>
/// A real server from tests/services (pinned in its package.json + lockfile), started as a child process on free
/// loopback ports, e.g. maildev (SMTP on p[0], its HTTP API under /api/email on p[1]):
/// <c>await NpmService.StartAsync("maildev", p => ["--smtp", p[0], "--web", p[1], "--ip", "127.0.0.1", "--web-ip", "127.0.0.1"], ports: 2)</c>.
/// Installs the packages once (npm ci under a file lock, since test assemblies run in parallel) and kills the process
/// when disposed.
/// </summary>
public sealed class NpmService : IAsyncDisposable
{
    private readonly Process _process;
    private NpmService(Process process, int[] ports) { _process = process; Ports = ports; }

    public IReadOnlyList<int> Ports { get; }
    public int Port => Ports[0];

    public static string ServicesDirectory { get; } = FindServicesDirectory();

    /// <summary>
    /// Starts node_modules/.bin/<paramref name="bin"/> (or, for a name ending in ".js", that script of tests/services under
    /// node) with the arguments built from free ports, and waits until every port accepts connections.
    /// </summary>
    public static async Task<NpmService> StartAsync(string bin, Func<string[], IEnumerable<string>> arguments, int ports = 1, string? workingDirectory = null)
    {
        await EnsureInstalledAsync();
        var free = Enumerable.Range(0, ports).Select(_ => FreePort()).ToArray();
        var script = bin.EndsWith(".js", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(script ? "node" : Path.Combine(ServicesDirectory, "node_modules", ".bin", bin))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? ServicesDirectory,
        };
        if (script) psi.ArgumentList.Add(Path.Combine(ServicesDirectory, bin));
        foreach (var a in arguments(free.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {bin}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new NpmService(process, free);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in free)
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"{bin} exited with {process.ExitCode} before listening on {port}");
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>npm ci once per checkout; flock serialises it across the test processes that run side by side.</summary>
    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            var stamp = Path.Combine(ServicesDirectory, "node_modules", ".package-lock.json");
            if (File.Exists(stamp)) return;
            var psi = new ProcessStartInfo("flock", [Path.Combine(ServicesDirectory, ".install.lock"), "sh", "-c",
                "[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error"])
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ServicesDirectory,
            };
            using var npm = Process.Start(psi) ?? throw new InvalidOperationException("could not run npm (apt-get install -y nodejs npm)");
            var stderr = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci in {ServicesDirectory} failed: {await stderr}");
        }
        finally { InstallGate.Release(); }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindServicesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "services");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("tests/services/package.json not found above " + AppContext.BaseDirectory);
    }
}
