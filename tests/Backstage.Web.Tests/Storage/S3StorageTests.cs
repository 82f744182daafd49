using System.Net;
using System.Security.Cryptography;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Backstage.Web.Tests.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Storage;

/// <summary>The gallery test app with its media in a real s3rver bucket.</summary>
public sealed class S3GalleryFactory : GalleryFactory
{
    public S3Server S3 { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        S3 = await S3Server.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        S3.Configure(builder);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await S3.DisposeAsync();
    }
}

/// <summary>The gallery test app on a given database and S3 server (a restored backup, a second node).</summary>
public class S3GalleryFactoryOn(string connectionString, S3Server s3) : GalleryFactory
{
    public override Task InitializeAsync()
    {
        ConnectionString = connectionString;
        return Task.CompletedTask;
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        s3.Configure(builder);
    }
}

public sealed class S3StorageTests(S3GalleryFactory factory) : IClassFixture<S3GalleryFactory>
{
    [Fact]
    public async Task The_store_puts_reads_lists_and_deletes_objects_that_an_independent_client_sees()
    {
        var store = factory.Store;
        Assert.IsType<S3MediaStore>(store);
        Assert.Null(store.LocalPath("renditions/1/w320.jpg"));
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var source = Path.GetTempFileName();
        await File.WriteAllBytesAsync(source, bytes);
        const string key = "renditions/424242/f500-500/fill-1200x630.jpg";

        await store.PutFileAsync(key, source, "image/jpeg", default);

        Assert.Equal(bytes, await factory.S3.ReadAsync(key)); // the raw SDK client reads the same bytes back
        Assert.Contains(key, await factory.S3.KeysAsync("renditions/424242/"));
        var stat = await store.StatAsync(key, default);
        Assert.Equal(200_000, stat!.Bytes);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), stat.ETag!.Trim('"'));
        var listed = new List<StoredObject>();
        await foreach (var o in store.ListAsync("renditions/424242/", default)) listed.Add(o);
        Assert.Equal([key], listed.Select(o => o.Key));
        var copy = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        Assert.True(await store.DownloadAsync(key, copy, default));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
        File.Delete(copy);
        File.Delete(source);

        await store.DeleteAsync(key, default);
        Assert.Null(await store.StatAsync(key, default));
        Assert.DoesNotContain(key, await factory.S3.KeysAsync());
        Assert.False(await store.DownloadAsync(key, copy, default));
        Assert.False(File.Exists(copy));
        await Assert.ThrowsAsync<ArgumentException>(() => store.StatAsync("renditions/../originals/x", default));
    }

    [Fact]
    public async Task An_upload_lands_in_the_bucket_renders_from_it_and_is_served_through_the_local_cache_with_an_etag()
    {
        var show = await factory.CreateShowAsync("Loewe");
        var editor = await factory.ClientAsync(Roles.Editor);
        var jpeg = Jpeg(5, 700, 500);
        await UploadAndShowAsync(editor, show.Id, ("look-1.jpg", jpeg));
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(jpeg, await factory.S3.ReadAsync(MediaKeys.Original(photo.Sha256))); // the original, byte for byte
        Assert.Equal(2, await factory.DrainAsync()); // the render and its AVIF follow-up
        photo = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, photo.Status);
        var keys = (await factory.S3.KeysAsync(MediaKeys.RenditionsOf(photo.Id))).Order().ToList();
        Assert.Equal(photo.Renditions.Select(r => MediaKeys.Rendition(photo.Id, r.Spec)).Order().ToList(), keys);
        // Nothing went to the node's file-system media root, and the spool is empty again.
        Assert.False(Directory.Exists(factory.MediaRoot));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(factory.DataDirectory, "spool")));

        Assert.Equal(HttpStatusCode.Redirect, (await PostEditorAsync(editor, show.Id, "publishAll", f => { f["Items[0].AltText"] = "A look backstage"; f["Items[0].Credit"] = "Camille Martin"; })).StatusCode);
        var cache = factory.Services.GetRequiredService<RenditionCache>();
        var anon = factory.Anonymous();
        var r = photo.Renditions.First(x => x.Spec == "w640.webp");
        Assert.False(cache.Holds(photo.Id, r.Spec));
        var response = await anon.GetAsync(MediaEndpoints.Url(photo.Id, r.Spec));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await factory.S3.ReadAsync(MediaKeys.Rendition(photo.Id, r.Spec)), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        var etag = response.Headers.ETag!;
        Assert.True(cache.Holds(photo.Id, r.Spec));

        var conditional = new HttpRequestMessage(HttpMethod.Get, MediaEndpoints.Url(photo.Id, r.Spec));
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anon.SendAsync(conditional)).StatusCode);

        cache.Evict(photo.Id);
        Assert.False(cache.Holds(photo.Id, r.Spec));
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(MediaEndpoints.Url(photo.Id, r.Spec))).StatusCode); // fetched again
    }

    [Fact]
    public async Task A_rendition_cache_of_size_zero_holds_nothing_and_reads_the_store_on_every_request()
    {
        // What the "S3 cold" line of bench/scale/run.sh measures: CacheBytes = 0 turns the local cache off.
        const int photoId = 434343;
        const string spec = "w320.jpg";
        var key = MediaKeys.Rendition(photoId, spec);
        async Task PutAsync(byte[] bytes)
        {
            var source = Path.GetTempFileName();
            await File.WriteAllBytesAsync(source, bytes);
            await factory.Store.PutFileAsync(key, source, "image/jpeg", default);
            File.Delete(source);
        }
        RenditionCache CacheOf(long bytes) => new(factory.Store, Options.Create(new MediaStorageOptions
        {
            CacheBytes = bytes, CacheDirectory = Path.Combine(Path.GetTempPath(), "rendition-cache-" + Guid.NewGuid().ToString("N")),
        }));
        var off = CacheOf(0);
        var on = CacheOf(1024 * 1024);
        var first = RandomNumberGenerator.GetBytes(10_000);
        var second = RandomNumberGenerator.GetBytes(10_000);
        await PutAsync(first);
        Assert.Equal(first, await File.ReadAllBytesAsync((await off.GetFileAsync(photoId, spec, default))!));
        Assert.Equal(first, await File.ReadAllBytesAsync((await on.GetFileAsync(photoId, spec, default))!));

        await PutAsync(second); // only a cache that reads the store again sees the new bytes

        Assert.Equal(second, await File.ReadAllBytesAsync((await off.GetFileAsync(photoId, spec, default))!));
        Assert.False(off.Holds(photoId, spec));
        Assert.Equal(0, off.Bytes);
        Assert.Equal(first, await File.ReadAllBytesAsync((await on.GetFileAsync(photoId, spec, default))!));
        Assert.True(on.Holds(photoId, spec));
        Assert.Equal(10_000, on.Bytes);
        await factory.Store.DeleteAsync(key, default);
    }

    [Fact]
    public async Task The_sweeper_deletes_orphan_objects_and_keeps_everything_a_row_refers_to()
    {
        var show = await factory.CreateShowAsync("Celine");
        var editor = await factory.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ("kept.jpg", Jpeg(9, 500, 400)));
        await factory.DrainAsync();
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        using var s3 = factory.S3.RawClient();
        var orphanOriginal = MediaKeys.Original(new string('a', 64)); // an upload that crashed before its row
        var orphanCrop = MediaKeys.Rendition(photo.Id, "f100-100/fill-1200x630.jpg");
        var deletedPhoto = MediaKeys.Rendition(987_654, "w320.jpg");
        foreach (var key in new[] { orphanOriginal, orphanCrop, deletedPhoto })
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = factory.S3.Bucket, Key = key, ContentBody = "orphan", UseChunkEncoding = false });

        var young = Sweeper(TimeSpan.FromHours(3));
        Assert.Equal(0, await young.SweepAsync(default)); // too recent: an upload may still be finishing
        var removed = await Sweeper(TimeSpan.Zero).SweepAsync(default);

        Assert.Equal(3, removed);
        var keys = await factory.S3.KeysAsync();
        Assert.DoesNotContain(orphanOriginal, keys);
        Assert.DoesNotContain(orphanCrop, keys);
        Assert.DoesNotContain(deletedPhoto, keys);
        Assert.Contains(MediaKeys.Original(photo.Sha256), keys);
        Assert.All(photo.Renditions, r => Assert.Contains(MediaKeys.Rendition(photo.Id, r.Spec), keys));
    }

    private MediaSweeper Sweeper(TimeSpan orphanAge) => new(factory.Services.GetRequiredService<IServiceScopeFactory>(), factory.Store,
        factory.Services.GetRequiredService<IOptions<MediaStorageOptions>>(), Options.Create(new JobOptions { OrphanAge = orphanAge }),
        factory.Services.GetRequiredService<MediaOptionsAccessor>(), TimeProvider.System, NullLogger<MediaSweeper>.Instance);

    [Fact]
    public async Task Migrating_a_file_system_store_copies_and_verifies_every_object_and_a_second_run_copies_nothing()
    {
        var root = Path.Combine(factory.DataDirectory, "media");
        var fs = new FileSystemMediaStore(root);
        var sha = Convert.ToHexStringLower(SHA256.HashData("an original"u8));
        var files = new Dictionary<string, byte[]>
        {
            [MediaKeys.Original(sha)] = "an original"u8.ToArray(),
            [MediaKeys.Rendition(555_001, "w320.jpg")] = RandomNumberGenerator.GetBytes(5000),
            [MediaKeys.Rendition(555_001, "f500-500/fill-800x1000.jpg")] = RandomNumberGenerator.GetBytes(7000),
        };
        foreach (var (key, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fs.LocalPath(key))!);
            await File.WriteAllBytesAsync(fs.LocalPath(key)!, bytes);
        }
        try
        {
            var output = new StringWriter();
            Assert.Equal(0, await MediaMigration.RunAsync(factory.Services, output));
            Assert.Contains("Copied 3, already there 0, failed 0.", output.ToString());
            foreach (var (key, bytes) in files) Assert.Equal(bytes, await factory.S3.ReadAsync(key));
            Assert.All(files.Keys, key => Assert.True(File.Exists(fs.LocalPath(key)))); // the source stays until the switch

            output = new StringWriter();
            Assert.Equal(0, await MediaMigration.RunAsync(factory.Services, output));
            Assert.Contains("Copied 0, already there 3, failed 0.", output.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            foreach (var key in files.Keys) await factory.Store.DeleteAsync(key, default); // no orphans for the sweeper test
        }
    }

    [Theory]
    [InlineData("S3", null, "Bucket is required")]
    [InlineData("Azure", "b", "use \"FileSystem\" or \"S3\"")]
    [InlineData("S3", "b", "not an http(s) URL", "ftp://x")]
    [InlineData("S3", "b", "set both AccessKey and SecretKey", null, "key-only")]
    public void Storage_settings_are_checked_with_a_message_that_says_what_is_wrong(string kind, string? bucket, string message,
        string? serviceUrl = null, string? accessKey = null)
    {
        var result = new MediaStorageOptionsValidator().Validate(null,
            new MediaStorageOptions { Kind = kind, Bucket = bucket, ServiceUrl = serviceUrl, AccessKey = accessKey });
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
        Assert.False(new MediaStorageOptionsValidator().Validate(null, new MediaStorageOptions()).Failed);
    }
}
