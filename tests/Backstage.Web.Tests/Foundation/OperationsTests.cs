using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Hosting;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Foundation;

public sealed class OperationsTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task Health_endpoints_answer_without_signing_in()
    {
        var http = factory.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/css/site.css")]
    [InlineData("/articles/not-there")]
    public async Task Every_response_carries_the_security_headers(string url)
    {
        var response = await factory.Anonymous().GetAsync(url);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        foreach (var directive in new[] { "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'" })
            Assert.Contains(directive, csp);
        Assert.DoesNotContain("unsafe-inline", csp.Split(';').Single(d => d.Trim().StartsWith("script-src")));
        Assert.True(response.Headers.Contains("Referrer-Policy"));
    }

    [Fact]
    public async Task Unknown_pages_get_a_friendly_404()
    {
        var response = await factory.Anonymous().GetAsync("/articles/never-written");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Data_protection_keys_live_in_the_database_so_nodes_share_cookies()
    {
        var reader = await factory.ClientAsync(Roles.Reader);
        Assert.NotNull(reader.Email);
        Assert.True(await factory.WithDbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }

    [Fact]
    public async Task Passwords_are_hashed_with_a_raised_iteration_count()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var hash = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync());
        var bytes = Convert.FromBase64String(hash!);
        // Identity v3 format: 0x01, PRF (4 bytes), iteration count (4 bytes, big-endian), …
        var iterations = (bytes[5] << 24) | (bytes[6] << 16) | (bytes[7] << 8) | bytes[8];
        Assert.Equal(210_000, iterations);
    }

    [Fact]
    public async Task The_admin_create_command_makes_an_admin_who_can_sign_in()
    {
        var email = $"ops-{Guid.NewGuid():N}@example.test";
        var output = new StringWriter();
        var code = await OperatorCommands.RunAsync(factory.Services, ["admin", "create", "--email", email, "--name", "Ops"],
            new StringReader("from-stdin-password\n"), output);
        Assert.Equal(0, code);
        Assert.Contains($"Created admin {email}", output.ToString());

        var client = await factory.ClientAsync();
        await client.SignInAsync(email, "from-stdin-password");
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task The_admin_create_command_refuses_a_reader_role_and_a_short_password()
    {
        var output = new StringWriter();
        Assert.Equal(2, await OperatorCommands.RunAsync(factory.Services, ["admin", "create", "--email", "x@example.test", "--role", "Reader"], new StringReader("long-enough-pw"), output));
        Assert.Equal(1, await OperatorCommands.RunAsync(factory.Services, ["admin", "create", "--email", "y@example.test"], new StringReader("short"), output));
        Assert.Contains("at least 10", output.ToString());
        Assert.Null(await factory.WithScopeAsync(sp => sp.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("y@example.test")));
    }

    [Fact]
    public async Task Production_without_a_connection_string_exits_with_one_clear_message()
    {
        var (exitCode, stderr) = await AppProcess.RunAsync(new Dictionary<string, string?> { ["ConnectionStrings__Backstage"] = null });
        Assert.Equal(1, exitCode);
        Assert.Contains("ConnectionStrings__Backstage", stderr);
        Assert.DoesNotContain("   at ", stderr); // a message, not a stack trace
    }
}

/// <summary>Readiness follows storage: a data directory that cannot be written makes /health/ready fail.</summary>
public sealed class UnwritableStorageFactory : BackstageFactory
{
    private readonly string _blocker = Path.Combine(Path.GetTempPath(), "backstage-blocker-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        File.WriteAllText(_blocker, "a file where a directory should be");
        builder.UseSetting("Backstage:DataDirectory", Path.Combine(_blocker, "data"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_blocker);
    }
}

public sealed class ReadinessTests(UnwritableStorageFactory factory) : IClassFixture<UnwritableStorageFactory>
{
    [Fact]
    public async Task Ready_fails_while_storage_is_not_writable_and_live_still_answers()
    {
        var http = factory.Anonymous();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }
}

/// <summary>
/// Issue 9, item 14: an operator command with a bad connection string printed an unhandled exception and exited 134.
/// It now prints one line saying what is wrong and which setting fixes it, and exits 1. Run as a real process.
/// </summary>
public sealed class OperatorCommandTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    public static TheoryData<string, string, string> BadConnections => new()
    {
        { "migrate", "Database=no_such_database_", "does not exist" },
        { "admin create --email ops@example.test", "Database=no_such_database_", "Create it" },
        { "migrate", "Username=no_such_role_", "refused user" },
        { "admin create --email ops@example.test", "Username=no_such_role_", "Fix Username= and Password=" },
    };

    [Theory, MemberData(nameof(BadConnections))]
    public async Task A_bad_connection_string_gives_one_line_and_a_non_zero_exit(string command, string change, string expected)
    {
        var (key, value) = (change.Split('=')[0], change.Split('=')[1] + Guid.NewGuid().ToString("N")[..6]);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(factory.ConnectionString) { [key] = value }.ConnectionString;
        var (exitCode, stderr) = await AppProcess.RunAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Backstage"] = connection, ["BACKSTAGE_ADMIN_PASSWORD"] = "a-long-operator-password" },
            command.Split(' '));

        Assert.Equal(1, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{stderr}");
        Assert.Contains(expected, lines[0]);
        Assert.Contains(value, lines[0]);
        Assert.Contains("ConnectionStrings__Backstage", lines[0]);
    }
}
