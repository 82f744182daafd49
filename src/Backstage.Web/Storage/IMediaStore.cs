using System.Globalization;
using Backstage.Media;

namespace Backstage.Web.Storage;

/// <summary>What a store says about one object. <see cref="ETag"/> is the S3 ETag (an MD5 for single-part uploads); null on the file system.</summary>
public sealed record StoredObject(string Key, long Bytes, DateTimeOffset LastModified, string? ETag = null);

/// <summary>
/// Where media bytes live: originals under content-addressed keys (<see cref="MediaKeys.Original"/>, private, never
/// served) and renditions under "renditions/&lt;photoId&gt;/&lt;spec&gt;" (served by the app, which checks visibility
/// first). Implementations: <see cref="FileSystemMediaStore"/> (the default; one node or a shared disk) and
/// <see cref="S3MediaStore"/> (any S3-compatible server; any number of nodes).
/// <para>Every put is atomic per object: a reader sees the whole object or none. Write the object first, then the row
/// that refers to it: a crash in between leaves an orphan, which <c>MediaSweeper</c> deletes after OrphanAge.</para>
/// </summary>
public interface IMediaStore
{
    /// <summary>The object's file when the store is this node's file system (serve or read it in place); null for remote stores.</summary>
    string? LocalPath(string key);

    /// <summary>Stores the file's bytes under <paramref name="key"/>, replacing any object there. The source file may be moved away; the caller deletes what remains.</summary>
    Task PutFileAsync(string key, string sourcePath, string contentType, CancellationToken ct);

    /// <summary>Null when there is no such object.</summary>
    Task<StoredObject?> StatAsync(string key, CancellationToken ct);

    /// <summary>Writes the object to <paramref name="destinationPath"/> (whole or not at all); false when there is no such object.</summary>
    Task<bool> DownloadAsync(string key, string destinationPath, CancellationToken ct);

    /// <summary>The object's bytes as a stream to read once (the caller disposes it); null when there is no such object.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Deletes the object; nothing happens when it is already gone.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Every object whose key starts with <paramref name="prefix"/> (only the sweeper and the migration list; readers never do).</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken ct);
}

/// <summary>The keys of media objects; the only place that spells them.</summary>
public static class MediaKeys
{
    public const string OriginalsPrefix = "originals/";
    public const string RenditionsPrefix = "renditions/";
    /// <summary>The confirmed chunks of resumable uploads (private, never served; swept by <c>ResumableUploads</c>, not <c>MediaSweeper</c>).</summary>
    public const string IngestPrefix = "ingest/";

    /// <summary>"originals/ab/cd/&lt;sha256&gt;" for a lowercase hex SHA-256 (anything else is refused: no path tricks).</summary>
    public static string Original(string sha256) => IsSha256(sha256)
        ? $"{OriginalsPrefix}{sha256[..2]}/{sha256[2..4]}/{sha256}"
        : throw new ArgumentException("expected 64 lowercase hex characters", nameof(sha256));

    /// <summary>"renditions/12/w1280.webp", "renditions/12/f500-300/fill-1600x900.jpg".</summary>
    public static string Rendition(int photoId, string spec) => RenditionsOf(photoId) + spec;

    public static string RenditionsOf(int photoId) => $"{RenditionsPrefix}{photoId.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>"ingest/&lt;uploadId&gt;/": every chunk of one resumable upload.</summary>
    public static string IngestChunksOf(Guid uploadId) => $"{IngestPrefix}{uploadId:N}/";

    /// <summary>"ingest/&lt;uploadId&gt;/000000065536": the chunk that starts at <paramref name="offset"/> (zero-padded, so keys sort in file order).</summary>
    public static string IngestChunk(Guid uploadId, long offset) => IngestChunksOf(uploadId) + offset.ToString("D12", CultureInfo.InvariantCulture);

    public static bool TryParseIngestChunk(string key, out Guid uploadId, out long offset)
    {
        uploadId = Guid.Empty;
        offset = 0;
        var parts = key.Split('/');
        return parts.Length == 3 && parts[0] + "/" == IngestPrefix && Guid.TryParseExact(parts[1], "N", out uploadId)
            && parts[2].Length == 12 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    public static bool TryParseOriginal(string key, out string sha256)
    {
        sha256 = key.Length > OriginalsPrefix.Length ? key[(key.LastIndexOf('/') + 1)..] : "";
        return IsSha256(sha256) && key == Original(sha256);
    }

    public static bool TryParseRendition(string key, out int photoId, out string spec)
    {
        photoId = 0;
        spec = "";
        if (!key.StartsWith(RenditionsPrefix, StringComparison.Ordinal)) return false;
        var rest = key.AsSpan(RenditionsPrefix.Length);
        int slash = rest.IndexOf('/');
        if (slash <= 0 || !int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out photoId)) return false;
        spec = rest[(slash + 1)..].ToString();
        return spec.Length > 0;
    }

    /// <summary>Keys are built here from validated parts; a store refuses anything else (e.g. "..").</summary>
    public static bool IsSafe(string key) =>
        key.Length is > 0 and <= 300 && !key.StartsWith('/') && !key.Contains("..", StringComparison.Ordinal) && !key.Contains("//", StringComparison.Ordinal)
        && key.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '/' or '.' or '-' or '_');

    private static bool IsSha256(string s) => s is { Length: 64 } && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}

public static class MediaStoreExtensions
{
    /// <summary>
    /// Puts a spooled upload under its content address unless that object already exists (the same bytes are stored
    /// once). Returns true when it was already there. Call before inserting the row that refers to it.
    /// </summary>
    public static async Task<bool> PutOriginalAsync(this IMediaStore store, SpooledFile file, CancellationToken ct)
    {
        var key = MediaKeys.Original(file.Sha256);
        if (await store.StatAsync(key, ct) is not null) return true;
        await store.PutFileAsync(key, file.Path, "application/octet-stream", ct);
        return false;
    }
}
