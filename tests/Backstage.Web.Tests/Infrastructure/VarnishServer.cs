using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>
/// Debian's Varnish (/usr/sbin/varnishd, installed by .ci/run) in the foreground (-F) on a free loopback port, with its
/// own work directory (-n) in a temp folder and the VCL of Cdn/varnish-test.vcl pointed at a backend port. The PID is
/// the fixture's own child: <see cref="StopAsync"/> and dispose kill only it. <see cref="StartAsync()"/> again after a
/// stop restarts it on the same port (an empty cache, as a restarted proxy has).
/// </summary>
public sealed class VarnishServer : IAsyncDisposable
{
    public const string Varnishd = "/usr/sbin/varnishd";
    private readonly string _directory;
    private readonly string _vcl;
    private Process? _process;
    private readonly StringBuilder _output = new();

    private VarnishServer(int port, int backendPort)
    {
        Port = port;
        _directory = Path.Combine(Path.GetTempPath(), "backstage-varnish-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        _vcl = Path.Combine(_directory, "test.vcl");
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cdn", "varnish-test.vcl"));
        File.WriteAllText(_vcl, template.Replace("BACKEND_PORT", backendPort.ToString()));
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>A free loopback port now (for the app's settings before Varnish itself can start).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static VarnishServer Create(int port, int backendPort)
    {
        if (!File.Exists(Varnishd)) throw new InvalidOperationException($"{Varnishd} not found: apt-get install -y varnish (.ci/run does).");
        return new VarnishServer(port, backendPort);
    }

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(Varnishd)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-F", "-n", Path.Combine(_directory, "work"), "-a", $"127.0.0.1:{Port}", "-f", _vcl,
                     "-s", "malloc,64m", "-T", "127.0.0.1:0", "-p", "ban_lurker_sleep=0.01", "-p", "thread_pools=1",
                     "-p", "thread_pool_min=5" })
            psi.ArgumentList.Add(a);
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException($"varnishd exited with {p.ExitCode}: {Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true); // varnishd -F and its cache child; nothing else
        await p.WaitForExitAsync();
        _process = null;
        // The listening socket is gone once the manager exited.
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
