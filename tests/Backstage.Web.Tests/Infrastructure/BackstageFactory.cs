using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>
/// The real app (real HTTP pipeline, real PostgreSQL) on a database of its own. Use as an xunit class fixture:
/// each test class gets its own database, so classes run in parallel and never share state.
/// </summary>
public class BackstageFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "correct-horse-battery";
    public string ConnectionString { get; protected set; } = "";
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "backstage-test-data-" + Guid.NewGuid().ToString("N")[..12]);
    /// <summary>Set by <see cref="BackstageFactory(BackstageFactory)"/>: a restart keeps the database and files.</summary>
    private readonly bool _restarted;
    /// <summary>Leave the data directory in place on dispose (another factory restarts on it).</summary>
    public bool KeepDataDirectory { get; set; }

    public BackstageFactory() { }

    /// <summary>A new app process on the same database and data directory as <paramref name="previous"/>: a restart.</summary>
    protected BackstageFactory(BackstageFactory previous)
    {
        ConnectionString = previous.ConnectionString;
        DataDirectory = previous.DataDirectory;
        _restarted = true;
    }

    public virtual async Task InitializeAsync()
    {
        if (!_restarted) ConnectionString = await TestDatabase.CreateAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Backstage", ConnectionString);
        builder.UseSetting("Backstage:DataDirectory", DataDirectory);
        builder.UseSetting("Backstage:PublicBaseUrl", ClientOptions.BaseAddress.ToString()); // http://localhost unless a fixture changes it
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The existing suites publish freshly uploaded photos; they are the newsroom's own. Rights tests set "NoRights" back.
        builder.UseSetting("Backstage:Rights:NewPhotoCategory", NewPhotoCategory);
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, TestPeer>());
        ConfigureSettings(builder);
    }

    /// <summary>The rights category of a new upload; "NoRights" is the product's default (see RightsTests).</summary>
    protected virtual string NewPhotoCategory => "Staff";

    /// <summary>Subclasses add settings (e.g. to enable a feature under test).</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder) { }

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (KeepDataDirectory) return;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    public Task WithDbAsync(Func<BackstageDbContext, Task> action) =>
        WithScopeAsync(async sp => { await action(sp.GetRequiredService<BackstageDbContext>()); return 0; });

    public Task<T> WithDbAsync<T>(Func<BackstageDbContext, Task<T>> action) =>
        WithScopeAsync(sp => action(sp.GetRequiredService<BackstageDbContext>()));

    /// <summary>Creates an account with a unique email in the given role and returns its email.</summary>
    public Task<string> CreateUserAsync(string role, string? email = null) => WithScopeAsync(async sp =>
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var result = await AccountCommands.CreateUserAsync(sp.GetRequiredService<UserManager<AppUser>>(), email, role + " Person", Password, role);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        return email;
    });

    /// <summary>A client that never follows redirects, with or without a cookie jar (the in-memory test server; Cluster.NodeFactory uses a real port).</summary>
    protected virtual HttpClient NewClient(bool cookies) =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = cookies });

    /// <summary>A client without redirects or cookies: what an anonymous visitor gets.</summary>
    public HttpClient Anonymous() => NewClient(cookies: false);

    /// <summary>A browser-like client (cookies, antiforgery), not signed in.</summary>
    public FormClient NewFormClient() => new(NewClient(cookies: true));

    /// <summary>A browser-like client (cookies, antiforgery), signed in through the real login form when a role is given.</summary>
    public async Task<FormClient> ClientAsync(string? role = null)
    {
        var client = NewFormClient();
        if (role is null) return client;
        var email = await CreateUserAsync(role);
        await client.SignInAsync(email, Password);
        client.Email = email;
        return client;
    }
}
