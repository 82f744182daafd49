using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backstage.Tests.Shared;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Membership;

/// <summary>
/// The app behind a (pretend) proxy, so each request can say which address it comes from, sending mail over SMTP to a
/// real maildev on a port chosen here (so a test can start the server after the app, as in an outage). Workers are off:
/// tests run the job queue themselves, with immediate retries.
/// </summary>
public class MailFactory : BackstageFactory
{
    public int SmtpPort { get; } = FreePort();
    public Maildev? Mail { get; private set; }
    protected virtual bool StartMailServer => true;

    public MailFactory() { }

    /// <summary>A second node on <paramref name="previous"/>'s database, mailing to its SMTP port.</summary>
    protected MailFactory(MailFactory previous) : base(previous) => SmtpPort = previous.SmtpPort;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (StartMailServer) Mail = await StartMaildevAsync();
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Backstage:BehindProxy", "true");
        builder.UseSetting("Backstage:PublicBaseUrl", "https://backstage.example");
        builder.UseSetting("AllowedHosts", "localhost"); // mail links name the public site; the test clients call the in-memory host
        builder.UseSetting("Backstage:Email:Host", "127.0.0.1");
        builder.UseSetting("Backstage:Email:Port", SmtpPort.ToString());
        builder.UseSetting("Backstage:Email:Security", "None");
        builder.UseSetting("Backstage:Email:From", "desk@backstage.example");
        builder.UseSetting("Backstage:Jobs:Workers", "0");
        builder.UseSetting("Backstage:Jobs:RetryBaseDelay", "00:00:00");
        builder.UseSetting("Backstage:Jobs:MaxAttempts", "10");
    }

    /// <summary>maildev with SMTP on <see cref="SmtpPort"/> (the fixture waits for its web port, opened together with it).</summary>
    public async Task<Maildev> StartMaildevAsync()
    {
        var service = await NpmService.StartAsync("maildev",
            p => ["--smtp", SmtpPort.ToString(), "--web", p[0], "--ip", "127.0.0.1", "--web-ip", "127.0.0.1"], ports: 1);
        Mail = new Maildev(service);
        return Mail;
    }

    /// <summary>Runs every due job (mail, notifications) until none is left; returns how many ran.</summary>
    public async Task<int> RunJobsAsync()
    {
        var queue = Services.GetRequiredService<JobQueue>();
        var n = 0;
        while (await queue.RunOnceAsync("test-worker")) n++;
        return n;
    }

    public override async Task DisposeAsync()
    {
        if (Mail is not null) await Mail.DisposeAsync();
        await base.DisposeAsync();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

/// <summary>maildev's HTTP API: the messages it received.</summary>
public sealed partial class Maildev(NpmService service) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{service.Port}") };

    public sealed record Message(string Subject, string To, string Text);

    public async Task<IReadOnlyList<Message>> MessagesToAsync(string address)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/api/email"));
        return doc.RootElement.EnumerateArray()
            .Select(m => new Message(m.GetProperty("subject").GetString() ?? "",
                string.Join(",", m.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString())),
                m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : ""))
            .Where(m => m.To.Equals(address, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>The only message to <paramref name="address"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<Message> SingleAsync(string address, string subject) =>
        Assert.Single(await MessagesToAsync(address), m => m.Subject.Contains(subject, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every message maildev holds, as its API lists them (id, subject, to…).</summary>
    public async Task<JsonDocument> AllAsync() => JsonDocument.Parse(await _http.GetStringAsync("/api/email"));

    /// <summary>One message exactly as received (headers and every MIME part).</summary>
    public Task<Stream> SourceAsync(string id) => _http.GetStreamAsync($"/api/email/{Uri.EscapeDataString(id)}/source");

    [GeneratedRegex(@"https://backstage\.example(/[^\s]+)")] private static partial Regex SiteLink();

    /// <summary>The path and query of the first link to the site in a message whose path starts with <paramref name="pathStart"/>.</summary>
    public static string LinkIn(Message message, string pathStart) =>
        SiteLink().Matches(message.Text).Select(m => m.Groups[1].Value).First(p => p.StartsWith(pathStart, StringComparison.Ordinal));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return service.DisposeAsync();
    }
}

public static class AccountTestKit
{
    /// <summary>A form client whose requests come from <paramref name="ip"/> (X-Forwarded-For, trusted by the proxied factory).</summary>
    public static async Task<FormClient> ClientFromAsync(this BackstageFactory factory, string ip, string? role = null)
    {
        var client = await factory.ClientAsync();
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        if (role is not null)
        {
            client.Email = await factory.CreateUserAsync(role);
            await client.SignInAsync(client.Email, BackstageFactory.Password);
        }
        return client;
    }

    /// <summary>A random documentation-range address; <paramref name="net"/> keeps one test's addresses apart from another's.</summary>
    public static string RandomIp(int net = 100) => $"198.51.{net}.{Random.Shared.Next(1, 254)}";

    /// <summary>Signs in through the form and returns the auth cookie the server set ("backstage.auth=…").</summary>
    public static async Task<string> SignInAndKeepCookieAsync(this FormClient client, string email, string password = BackstageFactory.Password)
    {
        var response = await client.PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("backstage.auth=", StringComparison.Ordinal));
    }

    /// <summary>GET with only the given cookie, like an attacker replaying a copied one.</summary>
    public static Task<HttpResponseMessage> ReplayAsync(this BackstageFactory factory, string cookie, string url)
    {
        var http = factory.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    /// <summary>RFC 6238 TOTP (HMAC-SHA1, 30-second step, 6 digits) from a base32 key, as an authenticator app computes it.</summary>
    public static string Totp(string base32Key, DateTimeOffset? at = null)
    {
        var key = Base32Decode(base32Key);
        var counter = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() / 30;
        var msg = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(msg);
        var hash = HMACSHA1.HashData(key, msg);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6");
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Replace(" ", "").TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8) { bytes.Add((byte)(buffer >> (bits - 8))); bits -= 8; }
        }
        return bytes.ToArray();
    }
}
