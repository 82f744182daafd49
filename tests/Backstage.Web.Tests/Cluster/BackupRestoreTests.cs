using System.Diagnostics;
using Amazon.S3.Model;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;
using Npgsql;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Cluster;

/// <summary>docs/operations.md's backup and restore, done for real: pg_dump → pg_restore into a new database, the bucket copied into a new S3 server.</summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_owned)) await d.DisposeAsync();
    }

    private async Task<T> OwnAsync<T>(Task<T> created) where T : IAsyncDisposable
    {
        var value = await created;
        _owned.Add(value);
        return value;
    }

    [Fact]
    public async Task A_restored_backup_serves_the_same_public_pages_and_pictures()
    {
        var s3 = await OwnAsync(S3Server.StartAsync());
        var db = await TestDatabase.CreateAsync();
        var node = await OwnAsync(StartAsync(db, s3));
        var show = await node.CreateShowAsync("Schiaparelli");
        var editor = await node.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ("a.jpg", Jpeg(31, 640, 480)), ("b.jpg", Jpeg(32, 480, 640)));
        Assert.Equal(4, await node.DrainAsync()); // two renders and their AVIF follow-ups
        await PostEditorAsync(editor, show.Id, "publishAll", f =>
        {
            for (int i = 0; i < 2; i++) (f[$"Items[{i}].AltText"], f[$"Items[{i}].Credit"]) = ($"Backstage look {i + 1}", "Camille Martin");
        });
        var article = await node.ArticleAsync("Restored " + ReaderData.Word(), $"Intro.\n\n::: gallery {show.Slug}\n");
        var photos = await node.PhotosAsync(show.Id);
        var urls = new List<string> { "/", $"/articles/{article.Slug}", $"/shows/{show.Slug}", Photo.PageUrl(show.Slug, 1) };
        urls.AddRange(photos.SelectMany(p => p.Renditions.Select(r => MediaEndpoints.Url(p.Id, r.Spec))));
        var before = await FetchAllAsync(node, urls);

        // Back up: the database first, then the bucket.
        var dump = Path.Combine(node.DataDirectory, "backstage.dump");
        await PgAsync("pg_dump", db, "-Fc", "-f", dump);
        var restoredS3 = await OwnAsync(S3Server.StartAsync());
        using (var from = s3.RawClient())
        using (var to = restoredS3.RawClient())
            foreach (var key in await s3.KeysAsync())
            {
                var bytes = await s3.ReadAsync(key);
                await to.PutObjectAsync(new PutObjectRequest { BucketName = restoredS3.Bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false });
            }

        // Restore into a fresh, empty database and a fresh store.
        var restoredDb = new NpgsqlConnectionStringBuilder(db) { Database = "restored_" + Guid.NewGuid().ToString("N")[..12] };
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Database = "postgres" }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{restoredDb.Database}\"", conn);
            await create.ExecuteNonQueryAsync();
        }
        await PgAsync("pg_restore", restoredDb.ConnectionString, "--no-owner", dump);
        await node.DisposeAsync();
        _owned.Remove(node);

        var restored = await OwnAsync(StartAsync(restoredDb.ConnectionString, restoredS3));
        var after = await FetchAllAsync(restored, urls);
        foreach (var url in urls) Assert.True(before[url].SequenceEqual(after[url]), $"{url} differs after the restore");
    }

    private static async Task<Storage.S3GalleryFactoryOn> StartAsync(string db, S3Server s3)
    {
        var factory = new Storage.S3GalleryFactoryOn(db, s3);
        await factory.InitializeAsync();
        _ = factory.Services; // start the host
        return factory;
    }

    private static async Task<Dictionary<string, byte[]>> FetchAllAsync(BackstageFactory node, IEnumerable<string> urls)
    {
        var anon = node.Anonymous();
        var result = new Dictionary<string, byte[]>();
        foreach (var url in urls)
        {
            var response = await anon.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
            result[url] = await response.Content.ReadAsByteArrayAsync();
        }
        return result;
    }

    /// <summary>Runs pg_dump/pg_restore from the PostgreSQL binaries the tests use, against a connection string's database.</summary>
    private static async Task PgAsync(string tool, string connectionString, params string[] args)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var found = EmbeddedPostgres.FindBinaries() ?? throw new InvalidOperationException(EmbeddedPostgres.MissingBinariesMessage);
        // PATH may hold only symlinks to initdb/pg_ctl (e.g. /usr/local/bin): use the real bin folder of that server.
        var bin = Path.GetDirectoryName(new FileInfo(Path.Combine(found, "pg_ctl")).ResolveLinkTarget(returnFinalTarget: true)?.FullName) ?? found;
        var psi = new ProcessStartInfo(Path.Combine(bin, tool)) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = "/tmp" };
        foreach (var a in new[] { "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, "-d", cs.Database! }.Concat(args)) psi.ArgumentList.Add(a);
        if (!string.IsNullOrEmpty(cs.Password)) psi.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await stderr}");
    }
}
