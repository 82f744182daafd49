using System.Buffers;
using System.Security.Cryptography;

namespace Backstage.Media;

public sealed record StoredOriginal(string Sha256, string Path, long Bytes, bool AlreadyExisted);

/// <summary>
/// Private, content-addressed store for uploaded originals: originals/ab/cd/&lt;sha256&gt;.
/// The original keeps its metadata (for the desk); it is never served to readers.
/// </summary>
public sealed class OriginalStore(string rootDirectory)
{
    private const string TempPrefix = ".upload-";
    private const string TempSuffix = ".tmp";

    public string RootDirectory { get; } = Path.GetFullPath(rootDirectory);

    private string OriginalsDirectory => Path.Combine(RootDirectory, "originals");

    /// <summary>
    /// Streams to a temp file (in originals/, same file system as the target) while hashing,
    /// flushes it to disk, then renames it to its content address. The same content twice is
    /// stored once. Over <paramref name="maxBytes"/>: <see cref="ImageRejectedException"/>, temp removed.
    /// </summary>
    public async Task<StoredOriginal> PutAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(OriginalsDirectory);
        string tmp = Path.Combine(OriginalsDirectory, $"{TempPrefix}{Guid.NewGuid():N}{TempSuffix}");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            long total = 0;
            string sha;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
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
                    fs.Flush(flushToDisk: true);
                }
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            string final = PathFor(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final))
            {
                File.Delete(tmp);
                return new StoredOriginal(sha, final, total, AlreadyExisted: true);
            }
            try
            {
                File.Move(tmp, final, overwrite: false);
                return new StoredOriginal(sha, final, total, AlreadyExisted: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // a concurrent upload of the same bytes won the rename: same content, keep theirs
                File.Delete(tmp);
                return new StoredOriginal(sha, final, total, AlreadyExisted: true);
            }
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

    /// <summary>originals/ab/cd/&lt;sha256&gt; for a lowercase hex SHA-256 (anything else is refused: no path tricks).</summary>
    public string PathFor(string sha256)
    {
        if (sha256 is null || sha256.Length != 64 || !sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new ArgumentException("expected 64 lowercase hex characters", nameof(sha256));
        return Path.Combine(OriginalsDirectory, sha256[..2], sha256[2..4], sha256);
    }

    /// <summary>Deletes upload temp files (from crashed or cancelled uploads) older than <paramref name="olderThan"/>.</summary>
    public int SweepTemporaryFiles(TimeSpan olderThan)
    {
        if (!Directory.Exists(OriginalsDirectory)) return 0;
        var cutoff = DateTime.UtcNow - olderThan;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(OriginalsDirectory, TempPrefix + "*" + TempSuffix, SearchOption.TopDirectoryOnly))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) <= cutoff)
                {
                    File.Delete(file);
                    removed++;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
