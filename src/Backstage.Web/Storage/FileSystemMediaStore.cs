using System.Runtime.CompilerServices;

namespace Backstage.Web.Storage;

/// <summary>
/// Media on this node's disk (or a disk all nodes mount): key "a/b/c" is the file Root/a/b/c. Puts write a temp file
/// next to the target and rename it over, so readers never see half a file; temp files (".tmp-*") that a crash
/// leaves behind are listed like any object without a row and swept after OrphanAge.
/// </summary>
public sealed class FileSystemMediaStore(string root) : IMediaStore
{
    private const string TempPrefix = ".tmp-";

    public string Root { get; } = Path.GetFullPath(root);

    public string? LocalPath(string key) => PathOf(key);

    public Task PutFileAsync(string key, string sourcePath, string contentType, CancellationToken ct)
    {
        var target = PathOf(key);
        var dir = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            File.Move(sourcePath, tmp); // a rename on the same file system, a copy across them (still under a temp name)
            File.Move(tmp, target, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        return Task.CompletedTask;
    }

    public Task<StoredObject?> StatAsync(string key, CancellationToken ct)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new StoredObject(key, file.Length, file.LastWriteTimeUtc) : null);
    }

    public async Task<bool> DownloadAsync(string key, string destinationPath, CancellationToken ct)
    {
        var source = PathOf(key);
        if (!File.Exists(source)) return false;
        var tmp = destinationPath + TempPrefix + Guid.NewGuid().ToString("N");
        try
        {
            await using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous))
            await using (var to = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                await from.CopyToAsync(to, 128 * 1024, ct);
            File.Move(tmp, destinationPath, overwrite: true);
            return true;
        }
        catch (FileNotFoundException)
        {
            TryDelete(tmp);
            return false;
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        TryDelete(PathOf(key));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var dir = Path.Combine(Root, prefix.TrimEnd('/'));
        if (!MediaKeys.IsSafe(prefix.TrimEnd('/')) || !Directory.Exists(dir)) yield break;
        foreach (var path in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var file = new FileInfo(path);
            if (!file.Exists) continue;
            yield return new StoredObject(Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'), file.Length, file.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    private string PathOf(string key) => MediaKeys.IsSafe(key)
        ? Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar))
        : throw new ArgumentException($"not a media key: {key}", nameof(key));

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
