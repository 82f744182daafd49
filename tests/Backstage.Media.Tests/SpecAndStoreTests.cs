using System.Security.Cryptography;
using Backstage.Media;

namespace Backstage.Media.Tests;

public sealed class RenditionSpecTests
{
    [Theory]
    [InlineData("w1280.webp")]
    [InlineData("w320.jpg")]
    [InlineData("w2560.avif")]
    [InlineData("fill-1200x630.jpg")]
    [InlineData("fill-800x1000.webp")]
    public void Round_trips(string name)
    {
        Assert.True(RenditionSpec.TryParse(name, out var spec));
        Assert.Equal(name, spec.Name);
        Assert.Equal(name, spec.ToString());
        Assert.Equal(spec, RenditionSpec.Parse(spec.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("w1280")]
    [InlineData("w0.jpg")]
    [InlineData("w01280.jpg")]
    [InlineData("w-5.jpg")]
    [InlineData("w1280.png")]
    [InlineData("w1280.JPG")]
    [InlineData("w1280.jpeg")]
    [InlineData("w99999.jpg")]
    [InlineData("fill-1200x.jpg")]
    [InlineData("fill-x630.jpg")]
    [InlineData("../w1280.jpg")]
    [InlineData("w1280.jpg/..")]
    [InlineData("w 1280.jpg")]
    public void Rejects_non_canonical_names(string name) => Assert.False(RenditionSpec.TryParse(name, out _));

    [Fact]
    public void Factories_and_content_types()
    {
        Assert.Equal("w640.jpg", RenditionSpec.Width(640, "jpeg").Name);
        Assert.Equal("image/jpeg", RenditionSpec.Width(640, "jpg").ContentType);
        Assert.Equal("image/webp", RenditionSpec.Width(640, "webp").ContentType);
        Assert.Equal("image/avif", RenditionSpec.Width(640, "avif").ContentType);
        Assert.Equal("fill-1600x900.jpg", RenditionPlanner.Cover.Name);
        Assert.Equal("fill-800x1000.jpg", RenditionPlanner.Grid.Name);
        Assert.Equal("fill-1200x630.jpg", RenditionPlanner.OpenGraph.Name);
        Assert.Throws<ArgumentException>(() => RenditionSpec.Width(640, "gif"));
    }
}

public sealed class OriginalStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Same_content_is_stored_once_at_its_hash()
    {
        var store = new OriginalStore(_dir.Path);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await store.PutAsync(new MemoryStream(bytes), 1_000_000, CancellationToken.None);
        var second = await store.PutAsync(new MemoryStream(bytes), 1_000_000, CancellationToken.None);

        Assert.Equal(sha, first.Sha256);
        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.Path, second.Path);
        Assert.Equal(store.PathFor(sha), first.Path);
        Assert.EndsWith(Path.Combine("originals", sha[..2], sha[2..4], sha), first.Path);
        Assert.Equal(bytes, File.ReadAllBytes(first.Path));
        Assert.Equal(300_000, first.Bytes);
        Assert.Single(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Over_the_limit_is_refused_and_the_temp_file_removed()
    {
        var store = new OriginalStore(_dir.Path);
        var ex = await Assert.ThrowsAsync<ImageRejectedException>(() =>
            store.PutAsync(new MemoryStream(new byte[3 * 1024 * 1024]), 2L * 1024 * 1024, CancellationToken.None));
        Assert.Equal("larger than 2 MB", ex.Reason);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
        var sixty = await Assert.ThrowsAsync<ImageRejectedException>(() =>
            store.PutAsync(new MemoryStream(new byte[1024]), 1000, CancellationToken.None));
        Assert.Equal("larger than 1000 bytes".Length > 0 ? "larger than 1 KB" : "", sixty.Reason);
        Assert.Equal("larger than 60 MB", new ImageRejectedException($"larger than 60 MB").Reason);
    }

    [Fact]
    public async Task Cancelled_upload_leaves_no_temp_file()
    {
        var store = new OriginalStore(_dir.Path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(new MemoryStream(new byte[10]), 100, cts.Token));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Sweep_removes_only_old_temp_files()
    {
        var store = new OriginalStore(_dir.Path);
        var originals = Path.Combine(_dir.Path, "originals");
        Directory.CreateDirectory(originals);
        var old = Path.Combine(originals, ".upload-old.tmp");
        var fresh = Path.Combine(originals, ".upload-fresh.tmp");
        var keep = Path.Combine(originals, "not-a-temp");
        foreach (var f in new[] { old, fresh, keep }) File.WriteAllText(f, "x");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-5));
        File.SetLastWriteTimeUtc(keep, DateTime.UtcNow.AddHours(-5));

        Assert.Equal(1, store.SweepTemporaryFiles(TimeSpan.FromHours(3)));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(keep));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    public void PathFor_refuses_anything_but_a_lowercase_sha256(string bad) =>
        Assert.Throws<ArgumentException>(() => new OriginalStore(_dir.Path).PathFor(bad));
}
