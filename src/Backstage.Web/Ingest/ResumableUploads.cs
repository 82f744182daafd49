using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

/// <summary>An answer of the chunk protocol: an HTTP status and what the browser needs (see <see cref="IngestEndpoints"/>).</summary>
public sealed record ProtocolAnswer(int Status, string? Message = null, Guid? Id = null, long? Offset = null, IReadOnlyList<IngestLine>? Results = null, string? State = null);

/// <summary>
/// The resumable upload protocol (docs/galleries.md, "Ingest"): create with name, size and SHA-256; append chunks at the
/// confirmed offset; complete, which checks size and hash and hands the file to <see cref="IngestService"/>.
/// A chunk is first streamed to a file of its own (no lock held while the venue's wifi trickles), then appended under a
/// row lock that re-checks the offset, so two tabs or a retried chunk can never write the same bytes twice or leave a
/// gap. The bytes live in &lt;DataDirectory&gt;/ingest: with several nodes that directory must be shared (or the
/// load balancer sticky per upload); the state is in PostgreSQL.
/// </summary>
public sealed class ResumableUploads(BackstageDbContext db, IngestService ingest, PhotoUploads uploads, IOptions<IngestOptions> options, IOptions<BackstageOptions> site,
    MediaOptionsAccessor media, TimeProvider clock, ILogger<ResumableUploads> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record CreateRequest(string? Name, long Size, string? Sha256, Guid? Batch, IngestOrder Order = IngestOrder.AsShot, string? Sidecar = null);

    public string Directory => Path.Combine(site.Value.DataDirectory, "ingest");
    public string PathOf(Guid id) => Path.Combine(Directory, id.ToString("N") + ".part");

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

        System.IO.Directory.CreateDirectory(Directory);
        var chunk = Path.Combine(Directory, $"{id:N}.{Guid.NewGuid():N}.chunk");
        try
        {
            long limit = Math.Min(options.Value.ChunkBytes, u.Size - offset);
            long length = await CopyLimitedAsync(body, chunk, limit, ct);
            if (length < 0) return new(413, $"A chunk may carry at most {Sizes.Human(limit)} here (the chunk limit, or the bytes left of the declared size).", u.Id, u.Offset);
            if (length == 0) return new(400, "The chunk is empty.", u.Id, u.Offset);
            if (contentLength is { } declared && declared != length) return new(400, "The chunk arrived incomplete; send it again.", u.Id, u.Offset);

            ProtocolAnswer answer = null!;
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var current = await db.Database.SqlQuery<long>($"SELECT \"offset\" AS \"Value\" FROM resumable_uploads WHERE id = {id} AND state = 'Open' FOR UPDATE")
                    .ToListAsync(ct);
                if (current.Count == 0) { answer = new(409, "This upload is already complete.", id); return; }
                if (current[0] != offset) { answer = Conflict(current[0], offset); return; }
                await using (var target = new FileStream(PathOf(id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                {
                    target.SetLength(offset); // drops bytes a crashed append left past the confirmed offset
                    target.Position = offset;
                    await using (var source = File.OpenRead(chunk)) await source.CopyToAsync(target, 128 * 1024, ct);
                    target.Flush(flushToDisk: true);
                }
                var now = clock.GetUtcNow();
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE resumable_uploads SET \"offset\" = {offset + length}, updated_at = {now} WHERE id = {id}", ct);
                await tx.CommitAsync(ct);
                answer = new(200, Id: id, Offset: offset + length, State: nameof(UploadState.Open));
            });
            return answer;
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

        var path = PathOf(id);
        var (length, sha) = await HashAsync(path, ct);
        if (length != upload.Size || sha != upload.Sha256)
        {
            await db.Set<ResumableUpload>().Where(u => u.Id == id).ExecuteDeleteAsync(ct);
            TryDelete(path);
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
        TryDelete(path);
        return new(200, Id: id, Offset: upload.Size, Results: lines, State: nameof(UploadState.Done));
    }

    /// <summary>Removes uploads untouched for <see cref="IngestOptions.AbandonedAfter"/> (open or done) and their bytes, plus stray files.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.AbandonedAfter;
        var gone = await db.Set<ResumableUpload>().Where(u => u.UpdatedAt < cutoff).Select(u => u.Id).ToListAsync(ct);
        if (gone.Count > 0) await db.Set<ResumableUpload>().Where(u => gone.Contains(u.Id)).ExecuteDeleteAsync(ct);
        int removed = gone.Count;
        if (!System.IO.Directory.Exists(Directory)) return removed;
        var live = (await db.Set<ResumableUpload>().Select(u => u.Id).ToListAsync(ct)).Select(g => g.ToString("N")).ToHashSet();
        var swept = gone.Select(g => g.ToString("N")).ToHashSet();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var owner = Path.GetFileName(file).Split('.')[0];
            if (swept.Contains(owner) || (!live.Contains(owner) && File.GetLastWriteTimeUtc(file) <= cutoff.UtcDateTime)) TryDelete(file);
        }
        if (removed > 0) log.LogInformation("Swept {Count} abandoned uploads", removed);
        return removed;
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

    private static async Task<(long Length, string Sha)> HashAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) return (0, "");
        await using var fs = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(fs, ct);
        return (fs.Length, Convert.ToHexStringLower(hash));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
