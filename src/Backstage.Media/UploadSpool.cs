using System.Buffers;
using System.Security.Cryptography;

namespace Backstage.Media;

/// <summary>
/// An upload on local disk, hashed while it was written. Disposing deletes the file unless it was moved away
/// (a store took it): a refused or failed upload leaves nothing behind.
/// </summary>
public sealed class SpooledFile(string path, string sha256, long bytes) : IDisposable
{
    public string Path { get; } = path;
    /// <summary>Lowercase hex SHA-256 of the content: the original's content address.</summary>
    public string Sha256 { get; } = sha256;
    public long Bytes { get; } = bytes;

    public void Dispose() => UploadSpool.TryDelete(Path);
}

/// <summary>
/// Streams an upload to a temp file in a node-local directory while hashing it, so it can be probed and then put into
/// the media store under its content address. Temp files are named ".upload-*.tmp"; <see cref="SweepTemporaryFiles"/>
/// removes the ones a crash left behind.
/// </summary>
public static class UploadSpool
{
    private const string TempPrefix = ".upload-";
    private const string TempSuffix = ".tmp";

    /// <summary>Over <paramref name="maxBytes"/>: <see cref="ImageRejectedException"/>, temp removed.</summary>
    public static async Task<SpooledFile> SpoolAsync(Stream content, long maxBytes, string directory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(directory);
        string tmp = System.IO.Path.Combine(directory, $"{TempPrefix}{Guid.NewGuid():N}{TempSuffix}");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            long total = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                        throw new ImageRejectedException($"larger than {Sizes.Human(maxBytes)}");
                    hash.AppendData(buffer, 0, read);
                    await fs.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                await fs.FlushAsync(ct).ConfigureAwait(false);
            }
            return new SpooledFile(tmp, Convert.ToHexStringLower(hash.GetHashAndReset()), total);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Deletes spool files (from crashed or cancelled uploads) older than <paramref name="olderThan"/>.</summary>
    public static int SweepTemporaryFiles(string directory, TimeSpan olderThan)
    {
        if (!Directory.Exists(directory)) return 0;
        var cutoff = DateTime.UtcNow - olderThan;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, TempPrefix + "*" + TempSuffix, SearchOption.TopDirectoryOnly))
            if (File.GetLastWriteTimeUtc(file) <= cutoff && TryDelete(file)) removed++;
        return removed;
    }

    internal static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; }
    }
}
