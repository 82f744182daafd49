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
/// overwrites. Completion is a job (the request answers 202 and the browser polls the upload's status): it downloads
/// the chunks in order into one local file (a chunk at a time, never the whole file in memory), checks size and
/// SHA-256, hands the file on, then, only while it still holds its lease, marks the upload and deletes the chunk objects.</para>
/// </summary>
public sealed class ResumableUploads(BackstageDbContext db, IngestService ingest, PhotoUploads uploads, IMediaStore store, IOptions<IngestOptions> options,
    IOptions<BackstageOptions> site, IOptions<JobOptions> jobs, JobQueue queue, MediaOptionsAccessor media, TimeProvider clock, ILogger<ResumableUploads> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record CreateRequest(string? Name, long Size, string? Sha256, Guid? Batch, IngestOrder Order = IngestOrder.AsShot, string? Sidecar = null);

    /// <summary>This node's scratch space: chunks while they arrive, files while they are assembled.</summary>
    public string Directory => Path.Combine(site.Value.DataDirectory, "ingest");

    /// <summary>Starts an upload for <paramref name="userId"/>, or shares the open one of the same file in the same show.</summary>
    public async Task<ProtocolAnswer> CreateAsync(int showId, CreateRequest request, string userId, CancellationToken ct)
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
                return new(409, ingest.FullMessage(name));
        }

        var now = clock.GetUtcNow();
        var upload = new ResumableUpload
        {
            Id = Guid.NewGuid(), ShowId = showId, FileName = name, Size = request.Size, Sha256 = sha, IsArchive = archive,
            SidecarXmp = sidecar, BatchId = request.Batch, Order = request.Order, State = UploadState.Open, CreatedBy = userId, CreatedAt = now, UpdatedAt = now,
        };
        int limit = options.Value.MaxOpenUploadsPerEditor;
        bool refused;
        try
        {
            // Counted and inserted under a per-account lock, so parallel creates (3 per tab, on any node) cannot overshoot.
            refused = await db.InTransactionAsync(async () =>
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext('resumable-uploads:' || {userId}))", ct);
                int open = await db.Set<ResumableUpload>().CountAsync(u => u.CreatedBy == userId && (u.State == UploadState.Open || u.State == UploadState.Completing), ct);
                if (open >= limit) return true;
                db.Add(upload);
                await db.SaveChangesAsync(ct);
                return false;
            }, ct);
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
        if (refused)
            return new(429, $"{name}: not started, you already have {limit} unfinished uploads (the most one account may have open; " +
                $"unfinished ones are dropped after {options.Value.AbandonedAfter.TotalHours:0.#} h untouched). Let them finish, or resume them, then add this file.");
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

    /// <summary>
    /// Queues the completion of an upload whose bytes have all arrived: 202 with the status URL at once, whatever the
    /// size (assembling and unpacking a camera card's ZIP outlasts any proxy's read timeout, so it runs as a job, see
    /// <see cref="FinishAsync"/>). Exactly one call moves the upload from Open to Completing and queues the job, in one
    /// transaction; a repeated call while it is queued or running gets the same 202, and once done the results.
    /// </summary>
    public async Task<ProtocolAnswer> CompleteAsync(Guid id, CancellationToken ct)
    {
        var queued = await db.InTransactionAsync(async () =>
        {
            var now = clock.GetUtcNow();
            int taken = await db.Set<ResumableUpload>()
                .Where(u => u.Id == id && u.Offset == u.Size && u.State == UploadState.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.State, UploadState.Completing).SetProperty(u => u.UpdatedAt, now), ct);
            if (taken == 1)
            {
                queue.Enqueue(db, CompleteUploadHandler.KindName, id.ToString());
                await db.SaveChangesAsync(ct);
            }
            return taken == 1;
        }, ct);
        if (queued) queue.Notify();
        var upload = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (upload is null) return new(404, "This upload is unknown or was abandoned; start it again.");
        return upload.State switch
        {
            UploadState.Open => new(409, $"{upload.FileName}: bytes from {upload.Offset} on are missing ({upload.Size - upload.Offset} of {upload.Size}); send them, then complete.", id, upload.Offset, State: upload.State.ToString()),
            UploadState.Completing => new(202, $"{upload.FileName}: all bytes are here; checking and adding it now.", id, upload.Offset, State: upload.State.ToString()),
            _ => new(200, null, id, upload.Offset, Results(upload), upload.State.ToString()),
        };
    }

    /// <summary>
    /// A whole file that arrived in one request (the no-JavaScript form's ZIP): stored as the upload's only chunk and
    /// handed to the same completion job as a resumable upload, so unpacking a camera card never runs inside the
    /// request (a proxy's read timeout would cut it half-way). The row is Completing and the job queued in one
    /// transaction; the form's page then follows the upload by its id (<see cref="StatusAsync"/>).
    /// </summary>
    public async Task<(Guid? Id, IngestLine? Refusal)> QueueWholeFileAsync(int showId, string fileName, Stream content, UploadExtras extras,
        IngestOrder order, string userId, CancellationToken ct)
    {
        var name = PhotoUploads.DisplayName(fileName);
        var path = ScratchFile(Guid.Empty, "form");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = await CopyLimitedAsync(content, path, options.Value.MaxArchiveBytes, ct, hash);
            if (size < 0) return (null, new(name, LineKind.Refused, $"{name}: larger than {Sizes.Human(options.Value.MaxArchiveBytes)}"));
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (size == 0) return (null, new(name, LineKind.Refused, $"{name}: the file is empty"));
            var now = clock.GetUtcNow();
            var upload = new ResumableUpload
            {
                Id = Guid.NewGuid(), ShowId = showId, FileName = name, Size = size, Offset = size, Sha256 = sha, IsArchive = true, SidecarXmp = extras.SidecarXmp,
                BatchId = extras.BatchId, Order = order, State = UploadState.Completing, CreatedBy = userId, CreatedAt = now, UpdatedAt = now,
            };
            await store.PutFileAsync(MediaKeys.IngestChunk(upload.Id, 0), path, "application/octet-stream", ct);
            await db.InTransactionAsync(async () =>
            {
                db.Add(upload);
                queue.Enqueue(db, CompleteUploadHandler.KindName, upload.Id.ToString());
                await db.SaveChangesAsync(ct);
            }, ct);
            queue.Notify();
            return (upload.Id, null);
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>
    /// The completion job (<see cref="CompleteUploadHandler"/>): assembles the chunks, checks size and SHA-256, hands
    /// the file to <see cref="IngestService"/>, then marks the upload Done (or Failed) and deletes its chunks. That last
    /// write is fenced: it happens only in a transaction where this run still holds the job's lease
    /// (<see cref="JobQueue.HoldsLeaseAsync"/>) and the upload is still Completing, so a run that lost its lease (a
    /// stalled node whose job another worker took over) neither marks the upload nor deletes the chunks under the other
    /// run. Returns whether this run wrote the outcome.
    /// </summary>
    public async Task<bool> FinishAsync(Guid id, Job job, CancellationToken ct)
    {
        var upload = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (upload is null || upload.State != UploadState.Completing) return false; // abandoned, or finished already

        var path = ScratchFile(id, "part");
        try
        {
            var (length, sha) = await AssembleAsync(id, upload.Size, path, ct);
            if (length != upload.Size || sha != upload.Sha256)
            {
                log.LogWarning("Upload {Id} ({Name}) failed its check: {Length} bytes, SHA-256 {Sha}", id, upload.FileName, length, sha);
                return await SettleAsync(upload, job, UploadState.Failed,
                    [new(upload.FileName, LineKind.Refused, $"{upload.FileName}: the bytes received do not match the file (SHA-256 differs); it was not added. Send it again.")], ct);
            }

            List<IngestLine> lines;
            var batch = upload.BatchId ?? upload.Id; // without a batch from the browser, a ZIP is a batch of its own
            await using (var file = File.OpenRead(path))
                lines = await ingest.AddFileAsync(upload.ShowId, upload.FileName, file, new UploadExtras(upload.SidecarXmp, batch), ct);
            await ingest.FinishBatchAsync(upload.ShowId, batch, upload.Order, lines, ct);
            return await SettleAsync(upload, job, UploadState.Done, lines, ct);
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>The job gave up (its attempts are used up): the upload says so, so the browser stops waiting.</summary>
    public async Task GiveUpAsync(Guid id, string error, CancellationToken ct)
    {
        var upload = await db.Set<ResumableUpload>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (upload is null || upload.State != UploadState.Completing) return;
        var json = JsonSerializer.Serialize(new List<IngestLine> { new(upload.FileName, LineKind.Refused, $"{upload.FileName}: could not be added ({error}); send it again.") }, Json);
        await db.Set<ResumableUpload>().Where(u => u.Id == id && u.State == UploadState.Completing).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.State, UploadState.Failed).SetProperty(u => u.ResultJson, json)
            .SetProperty(u => u.SidecarXmp, (byte[]?)null).SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), ct);
        await DeleteChunksAsync(id, ct);
    }

    private async Task<bool> SettleAsync(ResumableUpload upload, Job job, UploadState outcome, List<IngestLine> lines, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(lines, Json);
        bool settled = await db.InTransactionAsync(async () =>
        {
            if (!await JobQueue.HoldsLeaseAsync(db, job, ct)) return false;
            return await db.Set<ResumableUpload>().Where(u => u.Id == upload.Id && u.State == UploadState.Completing).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.State, outcome).SetProperty(u => u.ResultJson, json)
                .SetProperty(u => u.SidecarXmp, (byte[]?)null).SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), ct) == 1;
        }, ct);
        if (!settled)
        {
            log.LogWarning("Upload {Id} ({Name}): this completion lost its lease to another run; it leaves the outcome to that run", upload.Id, upload.FileName);
            return false;
        }
        await DeleteChunksAsync(upload.Id, ct);
        return true;
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
        var live = (await db.Set<ResumableUpload>().Where(u => owners.Contains(u.Id) && (u.State == UploadState.Open || u.State == UploadState.Completing)).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
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

    /// <summary>Streams at most <paramref name="limit"/> bytes to <paramref name="path"/> (into <paramref name="hash"/> too, if given); -1 when the body has more.</summary>
    private static async Task<long> CopyLimitedAsync(Stream body, string path, long limit, CancellationToken ct, IncrementalHash? hash = null)
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
                hash?.AppendData(buffer, 0, read);
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

/// <summary>Finishes one resumable upload (payload: its id) off the request; see <see cref="ResumableUploads.FinishAsync"/>.</summary>
public sealed class CompleteUploadHandler(ResumableUploads uploads) : IJobHandler
{
    public const string KindName = "upload-complete";
    public string Kind => KindName;

    public Task RunAsync(Job job, CancellationToken ct) => uploads.FinishAsync(Guid.Parse(job.Payload), job, ct);

    public async Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (final) await uploads.GiveUpAsync(Guid.Parse(job.Payload), error, ct);
    }
}

