using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Storage;
using Backstage.Web.Studio;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// Issue 17 items 3 and 10: a takedown racing a render, and the sweeper racing a reuse of the same original. The races
/// are made deterministic with a second PostgreSQL session that holds the lock the other side takes, then lets go.
/// </summary>
public sealed class TakedownRaceTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    private static readonly Actor Desk = new("desk", "desk@backstage.test");

    [Fact]
    public async Task A_takedown_while_a_render_is_recording_waits_for_it_then_wins_in_one_transaction()
    {
        var show = await factory.CreateShowAsync("Race");
        var editor = await factory.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ("race.jpg", Jpeg(Random.Shared.Next(1, 1_000_000), 640, 480)));
        await factory.DrainAsync();
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.NotEmpty(photo.Renditions);

        // A render recording its files: it holds the photo row (RenderPhotoHandler locks it) and changes it on commit.
        await using var render = new NpgsqlConnection(factory.ConnectionString);
        await render.OpenAsync();
        await using var tx = await render.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand($"UPDATE photos SET updated_at = now() WHERE id = {photo.Id}", render, tx))
            await update.ExecuteNonQueryAsync();

        using var scope = factory.Services.CreateScope();
        var takedown = scope.ServiceProvider.GetRequiredService<Takedown>().TakeDownAsync(show.Id, [photo.Id], TakedownReason.Rights, "agency", Desk, default);
        await WaitForLockWaitAsync();
        await tx.CommitAsync(); // the render commits while the takedown waits

        Assert.Equal(1, await takedown); // before: DbUpdateConcurrencyException (a 500), with the renditions already deleted
        var after = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.NotNull(after.TakenDownAt);
        Assert.Empty(after.Renditions);
        Assert.Single(await factory.AuditAsync("photo", photo.Id), a => a.Action == StudioActions.Takedown);
        Assert.Equal(System.Net.HttpStatusCode.Gone, (await factory.Anonymous().GetAsync(MediaEndpoints.Url(photo.Id, photo.Renditions[0].Spec))).StatusCode);
    }

    [Fact]
    public async Task The_sweeper_keeps_an_original_that_an_upload_reuses_while_it_sweeps()
    {
        var show = await factory.CreateShowAsync("Reuse");
        var editor = await factory.ClientAsync(Roles.Editor);
        var bytes = Jpeg(Random.Shared.Next(1, 1_000_000), 640, 480);
        await UploadAndShowAsync(editor, show.Id, ("first.jpg", bytes));
        await factory.DrainAsync();
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        var original = MediaKeys.Original(photo.Sha256);
        // Taken down longer ago than the quarantine: its original is an old orphan the sweeper may purge.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE photos SET taken_down_at = now() - interval '400 days' WHERE id = {photo.Id}"));
        var local = factory.Store.LocalPath(original);
        Assert.NotNull(local);
        File.SetLastWriteTimeUtc(local, DateTime.UtcNow.AddDays(-2));

        // A restore (or an upload of the same bytes) holds the original's lock from its check until its row commits.
        await using var upload = new NpgsqlConnection(factory.ConnectionString);
        await upload.OpenAsync();
        await using var tx = await upload.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(1802, hashtext('{photo.Sha256}'))", upload, tx))
            await lockIt.ExecuteNonQueryAsync();
        await using (var reuse = new NpgsqlCommand($"UPDATE photos SET taken_down_at = NULL WHERE id = {photo.Id}", upload, tx))
            await reuse.ExecuteNonQueryAsync();

        var sweep = factory.Services.GetRequiredService<MediaSweeper>().SweepAsync(CancellationToken.None);
        await WaitForLockWaitAsync();
        await tx.CommitAsync(); // the reusing row lands while the sweeper waits
        await sweep;

        // Before: the sweeper decided from its batch query and deleted the object the new row points at.
        Assert.NotNull(await factory.Store.StatAsync(original, default));
    }

    /// <summary>Until some backend of this database waits on a lock (the other side of the race is blocked).</summary>
    private async Task WaitForLockWaitAsync()
    {
        await using var probe = new NpgsqlConnection(factory.ConnectionString);
        await probe.OpenAsync();
        for (var i = 0; i < 600; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", probe);
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the other side never waited on the lock");
    }
}

/// <summary>Issue 17 item 7: a node without render workers (compose's web1) still sweeps its own disk.</summary>
public sealed class PageOnlyNodeFactory : GalleryFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Backstage:Jobs:Workers", "0");
        builder.UseSetting("Backstage:Jobs:SweepInterval", "00:00:01");
        builder.UseSetting("Backstage:Jobs:OrphanAge", "01:00:00");
    }
}

public sealed class PageOnlyNodeSweepTests(PageOnlyNodeFactory factory) : IClassFixture<PageOnlyNodeFactory>
{
    [Fact]
    public async Task A_node_with_no_workers_removes_its_own_abandoned_spool_files()
    {
        _ = factory.Services; // the node runs
        var spool = Path.Combine(factory.DataDirectory, "spool");
        Directory.CreateDirectory(spool);
        var abandoned = Path.Combine(spool, ".upload-abandoned.tmp");
        await File.WriteAllTextAsync(abandoned, "half of an 8 GB upload");
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-1));
        for (var i = 0; i < 600 && File.Exists(abandoned); i++) await Task.Delay(100);
        Assert.False(File.Exists(abandoned), "the page-only node never swept its spool");
    }
}
