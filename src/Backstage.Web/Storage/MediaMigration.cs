using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Storage;

/// <summary>
/// "media migrate-to-s3": copies a file-system media root (Backstage:Media:Storage:Path, default
/// &lt;DataDirectory&gt;/media) into the configured S3 bucket while the site keeps running on the file system. Each object is
/// verified after upload by size and MD5 (the ETag of a single-part upload); an object already there with the same size
/// and MD5 is skipped, so the command is idempotent and resumes where a stopped run left off. Switch the nodes to
/// Kind=S3 after a run that copied nothing new, then run it once more to pick up what was uploaded meanwhile.
/// </summary>
public static class MediaMigration
{
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter stdout, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<MediaStorageOptions>>().Value;
        if (!options.IsS3)
        {
            stdout.WriteLine($"Set {MediaStorageOptions.Section}:Kind=S3 (with Bucket, ServiceUrl, credentials) for this command; " +
                             $"the file-system media root is read from {MediaStorageOptions.Section}:Path ({options.Path}).");
            return 2;
        }
        var source = new FileSystemMediaStore(options.Path!);
        var target = services.GetRequiredService<IMediaStore>();
        int copied = 0, skipped = 0, failed = 0;
        foreach (var prefix in new[] { MediaKeys.OriginalsPrefix, MediaKeys.RenditionsPrefix })
        {
            await foreach (var o in source.ListAsync(prefix, ct))
            {
                if (o.Key.Contains(".tmp-", StringComparison.Ordinal) || o.Key.Contains("/.upload-", StringComparison.Ordinal)) continue;
                var path = source.LocalPath(o.Key)!;
                var md5 = await Md5Async(path, ct);
                if (Matches(await target.StatAsync(o.Key, ct), o.Bytes, md5)) { skipped++; continue; }
                await target.PutFileAsync(o.Key, path, ContentType(o.Key), ct); // an S3 store reads the file and leaves it in place
                if (Matches(await target.StatAsync(o.Key, ct), o.Bytes, md5)) copied++;
                else
                {
                    failed++;
                    stdout.WriteLine($"MISMATCH {o.Key}: the stored object differs in size or MD5; run the command again.");
                }
            }
        }
        stdout.WriteLine($"Copied {copied}, already there {skipped}, failed {failed}.");
        return failed == 0 ? 0 : 1;
    }

    private static bool Matches(StoredObject? stored, long bytes, string md5) =>
        stored is not null && stored.Bytes == bytes && string.Equals(stored.ETag?.Trim('"'), md5, StringComparison.OrdinalIgnoreCase);

    private static async Task<string> Md5Async(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(file, ct));
    }

    private static string ContentType(string key) =>
        Media.RenditionSpec.TryNormalizeExtension(Path.GetExtension(key), out var ext) && key.StartsWith(MediaKeys.RenditionsPrefix, StringComparison.Ordinal)
            ? Media.RenditionSpec.ContentTypeFor(ext) : "application/octet-stream";
}
