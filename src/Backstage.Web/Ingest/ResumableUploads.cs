using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

/// <summary>An answer of the chunk protocol: an HTTP status and what the browser needs (see <see cref="IngestEndpoints"/>).</summary>
public sealed record ProtocolAnswer(int Status, string? Message = null, Guid? Id = null, long? Offset = null, IReadOnlyList<IngestLine>? Results = null, string? State = null);

/// <summary>
/// The resumable upload protocol (docs/galleries.md, "Ingest"): create with name, size and SHA-256; append chunks at the
/// confirmed offset; complete, which checks size and hash and hands the file to <see cref="IngestService"/>.
/// <para>The state is in PostgreSQL and the bytes in the media store (<see cref="IMediaStore"/>), so any node may take
/// any request of an upload: every confirmed chunk is an object <see cref="MediaKeys.IngestChunk"/> of its own. A chunk
/// is first streamed to a local file with no lock held (the venue's wifi may trickle for minutes), then, under the
/// upload's row lock that re-checks the offset, put at its offset and the offset advanced. Only the request that holds
/// the confirmed offset writes the object there, so a repeated chunk or a second tab never replaces a confirmed chunk
/// and no gap can form; a crash between the put and the commit leaves an object that the retry at the same offset
/// overwrites. Completion downloads the chunks in order into one local file (a chunk at a time, never the whole file
/// in memory), checks size and SHA-256, hands the file on, then deletes the chunk objects.</para>
/// </summary>
public sealed class ResumableUploads(BackstageDbContext db, IngestService ingest, PhotoUploads uploads, IMediaStore store, IOptions<IngestOptions> options,
    IOptions<BackstageOptions> site, IOptions<JobOptions> jobs, MediaOptionsAccessor media, TimeProvider clock, ILogger<ResumableUploads> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record CreateRequest(string? Name, long Size, string? Sha256, Guid? Batch, IngestOrder Order = IngestOrder.AsShot, string? Sidecar = null);

    /// <summary>This node's scratch space: chunks while they arrive, files while they are assembled.</summary>
    public string Directory => Path.Combine(site.Value.DataDirectory, "ingest");

    public async Task<ProtocolAnswer> CreateAsync(int showId, CreateRequest request, CancellationToken ct)
    {
        var name = PhotoUploads.DisplayName(request.Name);
        var sha = request.Sha256?.Trim().ToLowerInvariant() ?? "";
        if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower))
            return new(400, $"{name}: the upload needs the file's SHA-256 (64 hex digits)");
        bool archive = IngestService.IsArchiveName(name);
        long max = archive ? options.Value.MaxArchiveBytes : media.Options.MaxFileBytes;
        if (request.Size <= 0) return new(400, $"{name}: the file is empty");
        if (request.Size > max) return new(413, $"{name}: larger than {Sizes.Human(max)}");
        var sidecar = request.Sidecar is null ? null : System.Text.Encoding.UTF8.GetBytes(request.Sidecar);
        if (sidecar?.Length > FileMetadata.MaxSidecarBytes) return new(413, $"{name}: its XMP sidecar is larger than {Sizes.Human(FileMetadata.MaxSidecarBytes)}");
        if (!await db.Shows.AnyAsync(s => s.Id == showId, ct)) return new(404, "No such show.");

        if (!archive)
        {
            var existing = await db.Set<Photo>().Where(p => p.ShowId == showId && p.Sha256 == sha).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
            if (existing is { } photoId) // the same bytes are in the gallery: nothing to send
                return new(200, State: nameof(UploadState.Done), Results: [new(name, LineKind.Refused, await uploads.AlreadyHereAsync(name, showId, photoId, ct), photoId)]);
            if (await ingest.IsFullAsync(showId, ct))
                return new(409, $"{name}: this gallery already holds {options.Value.MaxPhotosPerShow} photos, its limit");
        }

        var now = clock.GetUtcNow();
        var upload = new ResumableUpload
        {
            Id = Guid.NewGuid(), ShowId = showId, FileName = name, Size = request.Size, Sha256 = sha, IsArchive = archive,
            SidecarXmp = sidecar, BatchId = request.Batch, Order = request.Order, State = UploadState.Open, CreatedAt = now, UpdatedAt = now,
        };
        db.Add(upload);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another tab is sending the same file to this show: share its upload, continue from its offset.
            db.ChangeTracker.Clear();
            var open = await db.Set<ResumableUpload>().AsNoTracking()
                .FirstOrDefaultAsync(u => u.ShowId == showId && u.Sha256 == sha && u.Size == request.Size && u.State == UploadState.Open, ct);
            if (open is null) return new(409, $"{name}: the same file just finished in another tab; reload to see it");
            return new(200, Id: open.Id, Offset: open.Offset, State: nameof(UploadState.Open));
        }
        return new(201, Id: upload.Id, Offset: 0, State: nameof(UploadState.Open));
    }

    public async Task<ProtocolAnswer> StatusAsync(Guid id, CancellationToken ct)
    {
        var u = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (u is null) return new(404, "This upload is unknown or was abandoned; start it again.");
        return new(200, Id: u.Id, Offset: u.Offset, State: u.State.ToString(), Results: Results(u));
    }

    /// <summary>
    /// Appends one chunk that starts at <paramref name="offset"/>; 409 with the confirmed offset when it does not. A body
    /// shorter than its Content-Length (a connection cut mid-chunk) is never appended.
    /// </summary>
    public async Task<ProtocolAnswer> AppendAsync(Guid id, long offset, Stream body, long? contentLength, CancellationToken ct)
    {
        var u = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (u is null) return new(404, "This upload is unknown or was abandoned; start it again.");
        if (u.State != UploadState.Open) return new(409, "This upload is already complete.", u.Id, u.Offset, State: u.State.ToString());
        if (offset != u.Offset) return Conflict(u.Offset, offset);

        var chunk = ScratchFile(id, "chunk");
        try
        {
            long limit = Math.Min(options.Value.ChunkBytes, u.Size - offset);
            long length = await CopyLimitedAsync(body, chunk, limit, ct);
            if (length < 0) return new(413, $"A chunk may carry at most {Sizes.Human(limit)} here (the chunk limit, or the bytes left of the declared size).", u.Id, u.Offset);
            if (length == 0) return new(400, "The chunk is empty.", u.Id, u.Offset);
            if (contentLength is { } declared && declared != length) return new(400, "The chunk arrived incomplete; send it again.", u.Id, u.Offset);

            return await db.InTransactionAsync(async () =>
            {
                var current = await db.Database.SqlQuery<long>($"SELECT \"offset\" AS \"Value\" FROM resumable_uploads WHERE id = {id} AND state = 'Open' FOR UPDATE")
                    .ToListAsync(ct);
                if (current.Count == 0) return new ProtocolAnswer(409, "This upload is already complete.", id);
                if (current[0] != offset) return Conflict(current[0], offset);
                await store.PutFileAsync(MediaKeys.IngestChunk(id, offset), chunk, "application/octet-stream", ct);
                var now = clock.GetUtcNow();
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE resumable_uploads SET \"offset\" = {offset + length}, updated_at = {now} WHERE id = {id}", ct);
                return new ProtocolAnswer(200, Id: id, Offset: offset + length, State: nameof(UploadState.Open));
            }, ct);
        }
        finally
        {
            TryDelete(chunk);
        }
    }

    /// <summary>Checks that every byte arrived and the SHA-256 matches, then adds the photo (or unpacks the ZIP) once.</summary>
    public async Task<ProtocolAnswer> CompleteAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stale = now - TimeSpan.FromMinutes(15);
        // Exactly one caller moves the upload to Completing; a crashed completion may be taken over after 15 minutes.
        int taken = await db.Set<ResumableUpload>()
            .Where(u => u.Id == id && u.Offset == u.Size && (u.State == UploadState.Open || (u.State == UploadState.Completing && u.UpdatedAt < stale)))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.State, UploadState.Completing).SetProperty(u => u.UpdatedAt, now), ct);
        var upload = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (upload is null) return new(404, "This upload is unknown or was abandoned; start it again.");
        if (taken == 0)
        {
            if (upload.State == UploadState.Open)
                return new(409, $"{upload.FileName}: bytes from {upload.Offset} on are missing ({upload.Size - upload.Offset} of {upload.Size}); send them, then complete.", id, upload.Offset, State: upload.State.ToString());
            return new(upload.State == UploadState.Done ? 200 : 409, upload.State == UploadState.Done ? null : "Another tab is finishing this upload.", id, upload.Offset, Results(upload), upload.State.ToString());
        }

        var path = ScratchFile(id, "part");
        try
        {
            var (length, sha) = await AssembleAsync(id, upload.Size, path, ct);
            if (length != upload.Size || sha != upload.Sha256)
            {
                await db.Set<ResumableUpload>().Where(u => u.Id == id).ExecuteDeleteAsync(ct);
                await DeleteChunksAsync(id, ct);
                log.LogWarning("Upload {Id} ({Name}) failed its check: {Length} bytes, SHA-256 {Sha}", id, upload.FileName, length, sha);
                return new(422, $"{upload.FileName}: the bytes received do not match the file (SHA-256 differs); it was not added. Send it again.");
            }

            List<IngestLine> lines;
            var batch = upload.BatchId ?? upload.Id; // without a batch from the browser, a ZIP is a batch of its own
            await using (var file = File.OpenRead(path))
                lines = await ingest.AddFileAsync(upload.ShowId, upload.FileName, file, new UploadExtras(upload.SidecarXmp, batch), ct);
            await ingest.FinishBatchAsync(upload.ShowId, batch, upload.Order, lines, ct);
            var json = JsonSerializer.Serialize(lines, Json);
            await db.Set<ResumableUpload>().Where(u => u.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.State, UploadState.Done).SetProperty(u => u.ResultJson, json)
                .SetProperty(u => u.SidecarXmp, (byte[]?)null).SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), ct);
            await DeleteChunksAsync(id, ct);
            return new(200, Id: id, Offset: upload.Size, Results: lines, State: nameof(UploadState.Done));
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>
    /// Removes uploads untouched for <see cref="IngestOptions.AbandonedAfter"/> (open or done) with their chunk objects,
    /// chunk objects no open upload owns once they are older than <see cref="JobOptions.OrphanAge"/> (a late chunk, a
    /// crash before the cleanup), and this node's scratch files older than the abandon time.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.AbandonedAfter;
        var gone = (await db.Set<ResumableUpload>().Where(u => u.UpdatedAt < cutoff).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        if (gone.Count > 0) await db.Set<ResumableUpload>().Where(u => gone.Contains(u.Id)).ExecuteDeleteAsync(ct);

        // Listed before the live uploads are read: an upload's row exists before its first chunk is put.
        var orphanCutoff = now - jobs.Value.OrphanAge;
        var candidates = new List<(string Key, Guid Owner)>();
        await foreach (var o in store.ListAsync(MediaKeys.IngestPrefix, ct))
        {
            MediaKeys.TryParseIngestChunk(o.Key, out var owner, out _);
            if (gone.Contains(owner) || o.LastModified <= orphanCutoff) candidates.Add((o.Key, owner));
        }
        var owners = candidates.Select(c => c.Owner).Distinct().ToList();
        var live = (await db.Set<ResumableUpload>().Where(u => owners.Contains(u.Id) && u.State != UploadState.Done).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        foreach (var (key, owner) in candidates.Where(c => !live.Contains(c.Owner)))
            await store.DeleteAsync(key, ct);

        if (System.IO.Directory.Exists(Directory))
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory).Where(f => File.GetLastWriteTimeUtc(f) <= cutoff.UtcDateTime))
                TryDelete(file);
        if (gone.Count > 0) log.LogInformation("Swept {Count} abandoned uploads", gone.Count);
        return gone.Count;
    }

    /// <summary>
    /// Streams the chunks from offset 0 on, each right after the previous one ends, into <paramref name="path"/>, hashing
    /// as it goes; stops at the first missing or empty chunk. Returns the bytes assembled and their SHA-256.
    /// </summary>
    private async Task<(long Length, string Sha)> AssembleAsync(Guid id, long size, string path, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        long at = 0;
        try
        {
            await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            while (at < size)
            {
                await using var source = await store.OpenReadAsync(MediaKeys.IngestChunk(id, at), ct);
                if (source is null) break;
                long start = at;
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(), ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                    at += read;
                }
                if (at == start) break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (at, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private async Task DeleteChunksAsync(Guid id, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var o in store.ListAsync(MediaKeys.IngestChunksOf(id), ct)) keys.Add(o.Key);
        foreach (var key in keys) await store.DeleteAsync(key, ct);
    }

    private string ScratchFile(Guid id, string kind)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"{id:N}.{Guid.NewGuid():N}.{kind}");
    }

    private static ProtocolAnswer Conflict(long confirmed, long sent) => new(409,
        sent < confirmed ? $"Bytes up to {confirmed} are already here (a repeated chunk); continue from {confirmed}."
                         : $"The chunk starts at {sent} but the server has only {confirmed} bytes (a missing chunk); continue from {confirmed}.",
        Offset: confirmed, State: nameof(UploadState.Open));

    private static IReadOnlyList<IngestLine>? Results(ResumableUpload u) =>
        u.ResultJson is null ? null : JsonSerializer.Deserialize<List<IngestLine>>(u.ResultJson, Json);

    /// <summary>Streams at most <paramref name="limit"/> bytes to <paramref name="path"/>; -1 when the body has more.</summary>
    private static async Task<long> CopyLimitedAsync(Stream body, string path, long limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            await using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(), ct)) > 0)
            {
                total += read;
                if (total > limit) return -1;
                await fs.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
