using System.Security.Cryptography;

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

public sealed class UploadSpoolTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Spooled_file_carries_its_hash_and_size_and_is_deleted_on_dispose()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        using (var spooled = await UploadSpool.SpoolAsync(new MemoryStream(bytes), 1_000_000, _dir.Path, CancellationToken.None))
        {
            Assert.Equal(sha, spooled.Sha256);
            Assert.Equal(300_000, spooled.Bytes);
            Assert.Equal(bytes, File.ReadAllBytes(spooled.Path));
            Assert.StartsWith(_dir.Path, spooled.Path);
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Over_the_limit_is_refused_and_the_temp_file_removed()
    {
        var ex = await Assert.ThrowsAsync<ImageRejectedException>(() =>
            UploadSpool.SpoolAsync(new MemoryStream(new byte[3 * 1024 * 1024]), 2L * 1024 * 1024, _dir.Path, CancellationToken.None));
        Assert.Equal("larger than 2 MB", ex.Reason);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
        var small = await Assert.ThrowsAsync<ImageRejectedException>(() =>
            UploadSpool.SpoolAsync(new MemoryStream(new byte[2048]), 1024, _dir.Path, CancellationToken.None));
        Assert.Equal("larger than 1 KB", small.Reason);
    }

    [Fact]
    public async Task Cancelled_upload_leaves_no_temp_file()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UploadSpool.SpoolAsync(new MemoryStream(new byte[10]), 100, _dir.Path, cts.Token));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Sweep_removes_only_old_temp_files()
    {
        var old = Path.Combine(_dir.Path, ".upload-old.tmp");
        var fresh = Path.Combine(_dir.Path, ".upload-fresh.tmp");
        var keep = Path.Combine(_dir.Path, "not-a-temp");
        foreach (var f in new[] { old, fresh, keep }) File.WriteAllText(f, "x");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-5));
        File.SetLastWriteTimeUtc(keep, DateTime.UtcNow.AddHours(-5));

        Assert.Equal(1, UploadSpool.SweepTemporaryFiles(_dir.Path, TimeSpan.FromHours(3)));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(keep));
    }
}
