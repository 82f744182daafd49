using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Foundation;

/// <summary>The app on a cluster of its own, so the test can stop and restart PostgreSQL under it.</summary>
public sealed class OwnClusterFactory : BackstageFactory
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "backstage-restart-" + Guid.NewGuid().ToString("N")[..8]);
    public EmbeddedPostgres Cluster { get; private set; } = null!;
    public EmbeddedPostgresOptions ClusterOptions => new() { DataDirectory = Path.Combine(_dir, "pg"), Ephemeral = true };

    public override async Task InitializeAsync()
    {
        Cluster = await EmbeddedPostgres.StartAsync(ClusterOptions);
        await Cluster.CreateDatabaseAsync("backstage");
    }

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.UseSetting("ConnectionStrings:Backstage", Cluster.ConnectionString("backstage"));

    public async Task RestartClusterAsync() => Cluster = await EmbeddedPostgres.StartAsync(ClusterOptions);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.StopAsync(immediate: true);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class DatabaseRestartTests(OwnClusterFactory factory) : IClassFixture<OwnClusterFactory>
{
    [Fact]
    public async Task The_app_fails_cleanly_while_PostgreSQL_is_down_and_recovers_without_a_restart()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var anonymous = factory.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);

        await factory.Cluster.StopAsync(immediate: true);
        // The page readers just saw comes from the output cache and survives the outage;
        // anything not cached (another page of the home list is another cache entry) fails with the error page.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
        var down = await anonymous.GetAsync("/?p=" + Random.Shared.Next(2, 100_000));
        Assert.Equal(HttpStatusCode.InternalServerError, down.StatusCode);
        Assert.Contains("Something went wrong", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

        await factory.RestartClusterAsync();
        // Pooled connections died with the server; the retrying strategy and the pool replace them.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        // The signed-in editor's session (cookie + keys in the database) still works, and writes are kept.
        var slug = "after-restart-" + Guid.NewGuid().ToString("N")[..6];
        var saved = await editor.PostActionAsync("/studio/articles/edit", "save", ("Input.Title", "After the restart"), ("Input.Slug", slug), ("Input.Body", "Still here"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.True(await factory.WithDbAsync(db => db.Articles.AnyAsync(a => a.Slug == slug && a.Status == ArticleStatus.Draft)));
    }
}
