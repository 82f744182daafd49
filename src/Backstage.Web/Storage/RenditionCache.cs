using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Storage;

/// <summary>
/// This node's read-through cache of rendition files from a remote store, bounded by
/// <see cref="MediaStorageOptions.CacheBytes"/> and trimmed least-recently-used first, so a hot gallery is served from
/// local disk. With a file-system store the store's own file is served and nothing is cached. The index is per node on
/// purpose (each node has its own disk); <see cref="Evict"/> runs on every node when a photo is deleted or taken down
/// (see <c>PublicCache</c>). A lost or wiped cache only costs a download.
/// </summary>
public sealed class RenditionCache
{
    private readonly IMediaStore _store;
    private readonly string _root;
    private readonly long _max;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lazy<bool> _loaded;
    private long _bytes;
    private long _clock;

    private sealed class Entry(long bytes, long lastUse)
    {
        public long Bytes { get; } = bytes;
        public long LastUse = lastUse;
    }

    public RenditionCache(IMediaStore store, IOptions<MediaStorageOptions> options)
    {
        _store = store;
        _root = options.Value.CacheDirectory!;
        _max = options.Value.CacheBytes;
        _loaded = new Lazy<bool>(Load);
    }

    /// <summary>Bytes held now (for tests and the benchmark).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>A local file with the rendition's bytes, or null when the store has no such object.</summary>
    public async Task<string?> GetFileAsync(int photoId, string spec, CancellationToken ct)
    {
        var key = MediaKeys.Rendition(photoId, spec);
        if (_store.LocalPath(key) is { } local) return File.Exists(local) ? local : null;
        _ = _loaded.Value;
        var path = CachePath(key);
        if (_entries.TryGetValue(key, out var hit) && File.Exists(path))
        {
            hit.LastUse = Interlocked.Increment(ref _clock);
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!await _store.DownloadAsync(key, path, ct)) return null;
        if (_max <= 0) return path; // caching off: the file is replaced by the next download, never counted
        var entry = new Entry(new FileInfo(path).Length, Interlocked.Increment(ref _clock));
        if (_entries.TryAdd(key, entry)) Interlocked.Add(ref _bytes, entry.Bytes);
        Trim();
        return path;
    }

    /// <summary>Drops this node's cached renditions of a photo (deleted, taken down).</summary>
    public void Evict(int photoId)
    {
        var prefix = MediaKeys.RenditionsOf(photoId);
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            Remove(key);
        try { Directory.Delete(CachePath(prefix.TrimEnd('/')), recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    /// <summary>Drops everything (this node missed evictions for longer than they are kept).</summary>
    public void Clear()
    {
        foreach (var key in _entries.Keys) Remove(key);
    }

    /// <summary>Whether this node holds a rendition locally (tests).</summary>
    public bool Holds(int photoId, string spec) => _entries.ContainsKey(MediaKeys.Rendition(photoId, spec));

    private void Trim()
    {
        if (Bytes <= _max) return;
        // Down to 90 % so a full cache does not trim on every miss.
        foreach (var (key, _) in _entries.ToArray().OrderBy(e => e.Value.LastUse))
        {
            if (Bytes <= _max * 9 / 10) break;
            Remove(key);
        }
    }

    private void Remove(string key)
    {
        if (!_entries.TryRemove(key, out var entry)) return;
        Interlocked.Add(ref _bytes, -entry.Bytes);
        // Unlinking a file that is being sent is fine: the open handle keeps its bytes until the response ends.
        try { File.Delete(CachePath(key)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Picks up what an earlier run of this node left on disk (oldest first), dropping partial downloads.</summary>
    private bool Load()
    {
        if (!Directory.Exists(_root)) return true;
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.LastWriteTimeUtc))
        {
            if (file.Name.Contains(".tmp-", StringComparison.Ordinal)) { try { file.Delete(); } catch (IOException) { } continue; }
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (_entries.TryAdd(key, new Entry(file.Length, Interlocked.Increment(ref _clock)))) Interlocked.Add(ref _bytes, file.Length);
        }
        Trim();
        return true;
    }

    private string CachePath(string key) => Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
}
