using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Ingest;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Ingest;

/// <summary>The chunk protocol over the real HTTP pipeline and PostgreSQL: the happy path, a cut connection, and every failure.</summary>
public sealed class ResumableUploadTests(IngestFactory factory) : IClassFixture<IngestFactory>
{
    private const int Chunk = IngestFactory.ChunkBytes;

    private async Task<(ProtocolClient Client, int ShowId)> StartAsync()
    {
        var show = await factory.CreateShowAsync();
        return (ProtocolClient.For(factory, await factory.ClientAsync(Roles.Editor), show.Id), show.Id);
    }

    private static byte[] BigJpeg(int seed)
    {
        var bytes = Jpeg(seed, 1600, 1100);
        Assert.True(bytes.Length > 3 * Chunk, $"fixture of {bytes.Length} bytes should span several chunks");
        return bytes;
    }

    /// <summary>The upload's chunk objects in the media store: key and size.</summary>
    private async Task<List<(string Key, long Bytes)>> ChunksAsync(Guid id)
    {
        var chunks = new List<(string, long)>();
        await foreach (var o in factory.Store.ListAsync(MediaKeys.IngestChunksOf(id), CancellationToken.None)) chunks.Add((o.Key, o.Bytes));
        return chunks;
    }

    private Task<int> CompletionJobsAsync(Guid id) => factory.WithDbAsync(db =>
        db.Set<Job>().CountAsync(j => j.Kind == CompleteUploadHandler.KindName && j.Payload == id.ToString()));

    private Task<ResumableUpload> UploadRowAsync(Guid id) => factory.WithDbAsync(db => db.Set<ResumableUpload>().AsNoTracking().SingleAsync(u => u.Id == id));

    /// <summary>Create and send every chunk, without completing.</summary>
    private static async Task<Guid> SendAllAsync(ProtocolClient client, string name, byte[] file)
    {
        var id = (await client.CreateAsync(name, file)).Id!.Value;
        for (long at = 0; at < file.Length; at += Chunk)
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(id, at, file[(int)at..(int)Math.Min(file.Length, at + Chunk)])).Status);
        return id;
    }

    [Fact]
    public async Task Complete_answers_202_at_once_and_the_upload_becomes_Done_through_the_job()
    {
        var (client, showId) = await StartAsync();
        var file = BigJpeg(21);
        var id = await SendAllAsync(client, "IMG_0021.JPG", file);

        // The request only queues the work: nothing is assembled or added while it is answered.
        var accepted = await client.CompleteAsync(id);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal("Completing", accepted.State);
        Assert.Equal("IMG_0021.JPG: all bytes are here; checking and adding it now.", accepted.Message);
        Assert.Empty(await factory.PhotosAsync(showId));
        var polled = await client.SendAsync(HttpMethod.Get, accepted.StatusUrl!, null);
        Assert.Equal((HttpStatusCode.OK, "Completing"), (polled.Status, polled.State));

        Assert.Equal(1, await factory.DrainKindAsync(CompleteUploadHandler.KindName));
        var done = await client.SendAsync(HttpMethod.Get, accepted.StatusUrl!, null);
        Assert.Equal("Done", done.State);
        Assert.Equal("ok", Assert.Single(done.Results).Kind);
        Assert.Equal(ProtocolClient.Sha(file), Assert.Single(await factory.PhotosAsync(showId)).Sha256);
        Assert.Empty(await ChunksAsync(id));
    }

    [Fact]
    public async Task A_completion_that_lost_its_lease_neither_marks_the_upload_Done_nor_deletes_its_chunks()
    {
        var (client, showId) = await StartAsync();
        var file = BigJpeg(22);
        var id = await SendAllAsync(client, "IMG_0022.JPG", file);
        Assert.Equal(HttpStatusCode.Accepted, (await client.CompleteAsync(id)).Status);

        // Worker A claims the completion, stalls past its lease, and worker B takes the job over.
        var stale = (await factory.Queue.ClaimAsync("worker-a", kind: CompleteUploadHandler.KindName))!;
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE jobs SET lease_until = now() - interval '1 minute' WHERE id = {stale.Id}"));
        var current = (await factory.Queue.ClaimAsync("worker-b", kind: CompleteUploadHandler.KindName))!;
        Assert.Equal(stale.Id, current.Id);

        // A wakes up and finishes its run: its outcome is not written and the chunks B is reading stay.
        var chunks = await ChunksAsync(id);
        Assert.False(await factory.WithScopeAsync(sp => sp.GetRequiredService<ResumableUploads>().FinishAsync(id, stale, CancellationToken.None)));
        var row = await UploadRowAsync(id);
        Assert.Equal((UploadState.Completing, null), (row.State, row.ResultJson));
        Assert.Equal(chunks, await ChunksAsync(id));

        // B, which holds the lease, finishes it (the photo A added is found again, not added twice).
        await factory.Queue.RunClaimedAsync(current, "worker-b");
        Assert.Equal(UploadState.Done, (await UploadRowAsync(id)).State);
        Assert.Single(await factory.PhotosAsync(showId));
        Assert.Empty(await ChunksAsync(id));
        Assert.Equal(JobState.Succeeded, (await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == current.Id))).State);
    }

    private string OriginalPath(string sha) => Path.Combine(factory.MediaRoot, "originals", sha[..2], sha[2..4], sha);

    [Fact]
    public async Task A_connection_cut_mid_chunk_resumes_from_the_confirmed_offset_and_stores_the_same_bytes()
    {
        var (client, showId) = await StartAsync();
        var file = BigJpeg(1);
        var created = await client.CreateAsync("IMG_0001.JPG", file);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Id!.Value;
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(id, 0, file[..Chunk])).Status);

        // The second chunk dies half-way: the client's connection drops after 20 KB.
        using (var cut = new HttpRequestMessage(HttpMethod.Put, $"/studio/ingest/uploads/{id}") { Content = new CutContent(file[Chunk..(2 * Chunk)], 20_000) })
        {
            cut.Headers.Add("RequestVerificationToken", await client.TokenAsync());
            cut.Headers.Add("Upload-Offset", Chunk.ToString());
            await Assert.ThrowsAnyAsync<Exception>(() => client.Http.SendAsync(cut));
        }

        // The browser asks where to resume: the server confirms only the first chunk, then takes the rest.
        var status = await client.StatusAsync(id);
        Assert.Equal(Chunk, status.Offset);
        Assert.Equal(Chunk, status.OffsetHeader);
        for (long at = status.Offset!.Value; at < file.Length; at += Chunk)
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(id, at, file[(int)at..(int)Math.Min(file.Length, at + Chunk)])).Status);
        var done = await client.CompleteAndWaitAsync(id);

        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Equal("Done", done.State);
        var line = Assert.Single(done.Results);
        Assert.Equal("ok", line.Kind);
        var photo = Assert.Single(await factory.PhotosAsync(showId));
        Assert.Equal(ProtocolClient.Sha(file), photo.Sha256);
        Assert.Equal(ProtocolClient.Sha(file), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(OriginalPath(photo.Sha256)))));
        // The chunk objects and the assembled file are gone once handed over.
        Assert.Empty(await ChunksAsync(id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "ingest"), id.ToString("N") + ".*"));
    }

    [Fact]
    public async Task A_chunk_past_the_confirmed_offset_is_a_missing_chunk_and_a_repeated_one_is_not_written_twice()
    {
        var (client, _) = await StartAsync();
        var file = BigJpeg(2);
        var id = (await client.CreateAsync("IMG_0002.JPG", file)).Id!.Value;
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(id, 0, file[..Chunk])).Status);

        var gap = await client.PutAsync(id, 2 * Chunk, file[(2 * Chunk)..(3 * Chunk)]);
        Assert.Equal(HttpStatusCode.Conflict, gap.Status);
        Assert.Equal(Chunk, gap.Offset);
        Assert.Contains("missing chunk", gap.Message);

        var repeat = await client.PutAsync(id, 0, file[..Chunk]);
        Assert.Equal(HttpStatusCode.Conflict, repeat.Status);
        Assert.Equal(Chunk, repeat.OffsetHeader);
        Assert.Contains("repeated chunk", repeat.Message);

        var missing = await client.CompleteAsync(id);
        Assert.Equal(HttpStatusCode.Conflict, missing.Status);
        Assert.Contains($"bytes from {Chunk} on are missing", missing.Message);
        Assert.Equal([(MediaKeys.IngestChunk(id, 0), (long)Chunk)], await ChunksAsync(id)); // the repeat wrote nothing
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_declared_SHA256_are_refused_and_their_chunks_dropped()
    {
        var (client, showId) = await StartAsync();
        var file = Jpeg(3);
        var lie = ProtocolClient.Sha(Jpeg(4));
        var id = (await client.CreateAsync("IMG_0003.JPG", file, sha: lie)).Id!.Value;
        for (long at = 0; at < file.Length; at += Chunk)
            await client.PutAsync(id, at, file[(int)at..(int)Math.Min(file.Length, at + Chunk)]);

        var done = await client.CompleteAndWaitAsync(id);

        Assert.Equal("Failed", done.State);
        var refused = Assert.Single(done.Results);
        Assert.Equal("refused", refused.Kind);
        Assert.Equal("IMG_0003.JPG: the bytes received do not match the file (SHA-256 differs); it was not added. Send it again.", refused.Message);
        Assert.Empty(await factory.PhotosAsync(showId));
        Assert.Empty(await ChunksAsync(id));
        // The same file sent again starts a new upload.
        Assert.Equal(HttpStatusCode.Created, (await client.CreateAsync("IMG_0003.JPG", file)).Status);
    }

    [Fact]
    public async Task Oversize_files_and_chunks_are_refused_with_413()
    {
        var (client, _) = await StartAsync();
        var big = await client.CreateAsync("huge.jpg", [1], size: Galleries.GalleryFactory.MaxFileBytes + 1, sha: new string('a', 64));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.Status);
        Assert.Contains("larger than 3 MB", big.Message);

        var file = Jpeg(5);
        var id = (await client.CreateAsync("IMG_0005.JPG", file)).Id!.Value;
        var tooLong = await client.PutAsync(id, 0, new byte[Chunk + 1]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.Status);
        Assert.Equal(0, (await client.StatusAsync(id)).Offset);

        var bad = await client.CreateAsync("IMG_0006.JPG", file, sha: "not-a-hash");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
    }

    [Fact]
    public async Task Two_tabs_sending_the_same_file_share_one_upload_and_add_one_photo()
    {
        var (tab1, showId) = await StartAsync();
        var tab2 = ProtocolClient.For(factory, await factory.ClientAsync(Roles.Editor), showId);
        var file = BigJpeg(6);
        var a = await tab1.CreateAsync("IMG_0006.JPG", file);
        var b = await tab2.CreateAsync("IMG_0006.JPG", file);
        Assert.Equal(a.Id, b.Id);
        var id = a.Id!.Value;

        // Both send the first chunk at once: exactly one is appended, the other is told where the upload stands.
        var both = await Task.WhenAll(tab1.PutAsync(id, 0, file[..Chunk]), tab2.PutAsync(id, 0, file[..Chunk]));
        Assert.Single(both, r => r.Status == HttpStatusCode.OK);
        Assert.Single(both, r => r.Status == HttpStatusCode.Conflict && r.Offset == Chunk);

        for (long at = Chunk; at < file.Length; at += Chunk)
            await tab2.PutAsync(id, at, file[(int)at..(int)Math.Min(file.Length, at + Chunk)]);
        // Both tabs complete at once: both are told it is being finished (no 409), and one completion job is queued.
        var done = await Task.WhenAll(tab1.CompleteAsync(id), tab2.CompleteAsync(id));
        Assert.All(done, d => Assert.Equal((HttpStatusCode.Accepted, "Completing", $"/studio/ingest/uploads/{id}"), (d.Status, d.State, d.StatusUrl)));
        Assert.Equal(HttpStatusCode.Accepted, (await tab1.CompleteAsync(id)).Status);
        Assert.Equal(1, await CompletionJobsAsync(id));
        Assert.Equal(1, await factory.DrainKindAsync(CompleteUploadHandler.KindName));
        var photo = Assert.Single(await factory.PhotosAsync(showId));

        // Later, the other tab (or a retry) reads the same answer; a new upload of the same bytes is answered at once.
        var again = await tab1.CompleteAsync(id);
        Assert.Equal((HttpStatusCode.OK, "Done"), (again.Status, again.State));
        Assert.Equal(photo.Id, Assert.Single(again.Results).PhotoId);
        Assert.Equal(1, await CompletionJobsAsync(id));
        var dup = await tab2.CreateAsync("copy-of-IMG_0006.JPG", file);
        Assert.Equal(HttpStatusCode.OK, dup.Status);
        Assert.Null(dup.Id);
        Assert.StartsWith("copy-of-IMG_0006.JPG: already in this gallery as #1", Assert.Single(dup.Results).Message);
    }

    [Fact]
    public async Task Abandoned_uploads_are_swept_with_their_bytes()
    {
        var (client, _) = await StartAsync();
        var file = BigJpeg(7);
        var id = (await client.CreateAsync("IMG_0007.JPG", file)).Id!.Value;
        await client.PutAsync(id, 0, file[..Chunk]);
        Assert.Single(await ChunksAsync(id));
        var freshFile = BigJpeg(8);
        var fresh = (await client.CreateAsync("IMG_0008.JPG", freshFile)).Id!.Value;
        await client.PutAsync(fresh, 0, freshFile[..Chunk]);
        // A chunk older than OrphanAge of an upload that no longer exists (a late chunk, a crash before the cleanup);
        // the fresh upload's chunk is made just as old: an open upload keeps its chunks however old they are.
        var orphan = MediaKeys.IngestChunk(Guid.NewGuid(), 0);
        var scratch = Path.GetTempFileName();
        await File.WriteAllBytesAsync(scratch, [1, 2, 3]);
        await factory.Store.PutFileAsync(orphan, scratch, "application/octet-stream", CancellationToken.None);
        File.Delete(scratch);
        foreach (var key in new[] { orphan, MediaKeys.IngestChunk(fresh, 0) })
            File.SetLastWriteTimeUtc(factory.Store.LocalPath(key)!, DateTime.UtcNow.AddDays(-1));

        await factory.WithDbAsync(db => db.Set<ResumableUpload>().Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow.AddDays(-2))));
        var swept = await factory.WithScopeAsync(sp => sp.GetRequiredService<ResumableUploads>().SweepAsync(CancellationToken.None));

        Assert.Equal(1, swept);
        Assert.Empty(await ChunksAsync(id));
        Assert.Null(await factory.Store.StatAsync(orphan, CancellationToken.None));
        Assert.Single(await ChunksAsync(fresh));
        Assert.Equal(HttpStatusCode.NotFound, (await client.StatusAsync(id)).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.StatusAsync(fresh)).Status);
    }

    [Fact]
    public async Task Writes_need_the_antiforgery_token_and_a_studio_role()
    {
        var show = await factory.CreateShowAsync();
        var editor = await factory.ClientAsync(Roles.Editor);
        var noToken = await editor.Http.PostAsync($"/studio/ingest/shows/{show.Id}/uploads",
            System.Net.Http.Json.JsonContent.Create(new { name = "a.jpg", size = 10, sha256 = new string('a', 64) }));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        var reader = await factory.ClientAsync(Roles.Reader);
        var forbidden = await reader.Http.GetAsync($"/studio/ingest/uploads/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var anonymous = await factory.Anonymous().PutAsync($"/studio/ingest/uploads/{Guid.NewGuid()}", new ByteArrayContent([1]));
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Empty(await factory.WithDbAsync(db => db.Set<ResumableUpload>().Where(u => u.ShowId == show.Id).ToListAsync()));
    }

    [Fact]
    public async Task The_show_status_route_tells_staff_which_photos_are_ready_with_every_planned_rendition()
    {
        var (client, showId) = await StartAsync();
        var files = new[] { Jpeg(31, 1400, 900), Jpeg(32, 500, 400) };
        for (int i = 0; i < files.Length; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.UploadAsync($"IMG_{31 + i}.JPG", files[i])).Status);

        async Task<List<JsonElement>> StatusAsync(HttpClient http)
        {
            var response = await http.GetAsync($"/studio/ingest/shows/{showId}/status");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("photos").EnumerateArray().ToList();
        }

        var before = await StatusAsync(client.Http);
        Assert.Equal(files.Select(ProtocolClient.Sha), before.Select(p => p.GetProperty("sha256").GetString()));
        Assert.All(before, p =>
        {
            Assert.Equal("Processing", p.GetProperty("status").GetString());
            Assert.Equal(0, p.GetProperty("renditions").GetInt32());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("readyAt").ValueKind);
        });
        // The narrower photo gets fewer widths, so "planned" is per photo.
        Assert.True(before[0].GetProperty("planned").GetInt32() > before[1].GetProperty("planned").GetInt32());

        await factory.DrainAsync();
        var after = await StatusAsync(client.Http);
        var rows = await factory.WithDbAsync(db => db.Set<Rendition>().Where(r => r.Photo!.ShowId == showId)
            .GroupBy(r => r.PhotoId).Select(g => new { PhotoId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.PhotoId, x => x.Count));
        Assert.All(after, p =>
        {
            Assert.Equal("Ready", p.GetProperty("status").GetString());
            Assert.Equal(rows[p.GetProperty("id").GetInt32()], p.GetProperty("renditions").GetInt32());
            Assert.Equal(p.GetProperty("planned").GetInt32(), p.GetProperty("renditions").GetInt32());
            Assert.Equal(JsonValueKind.String, p.GetProperty("readyAt").ValueKind);
        });

        var reader = await factory.ClientAsync(Roles.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Http.GetAsync($"/studio/ingest/shows/{showId}/status")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await factory.Anonymous().GetAsync($"/studio/ingest/shows/{showId}/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync("/studio/ingest/shows/999999/status")).StatusCode);
    }

    [Fact]
    public async Task The_per_show_maximum_refuses_the_next_file_by_name()
    {
        var (client, showId) = await StartAsync();
        for (int i = 0; i < IngestFactory.MaxPhotosPerShow; i++)
            Assert.Equal("ok", Assert.Single((await client.UploadAsync($"IMG_{i:0000}.JPG", Jpeg(100 + i, 120, 80))).Results).Kind);
        var over = await client.CreateAsync("one-more.jpg", Jpeg(999, 120, 80));
        Assert.Equal(HttpStatusCode.Conflict, over.Status);
        Assert.Contains($"already holds {IngestFactory.MaxPhotosPerShow} photos", over.Message);
    }

    [Fact]
    public async Task An_editor_may_keep_only_so_many_unfinished_uploads_open_at_once()
    {
        var (client, showId) = await StartAsync();
        const int max = IngestFactory.MaxOpenUploadsPerEditor;
        // Started in parallel (as 3 per tab and several tabs do): exactly the allowance is taken, never more.
        var started = await Task.WhenAll(Enumerable.Range(0, max + 2).Select(i => client.CreateAsync($"IMG_{500 + i}.JPG", Jpeg(500 + i, 120, 80))));
        Assert.Equal(max, started.Count(a => a.Status == HttpStatusCode.Created));
        var refused = started.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.Matches($@"^IMG_5\d\d\.JPG: not started, you already have {max} unfinished uploads \(the most one account may have open; unfinished ones are dropped after 24 h untouched\)\. Let them finish, or resume them, then add this file\.$", r.Message));

        // Another editor is not held back by this one's uploads.
        var other = ProtocolClient.For(factory, await factory.ClientAsync(Roles.Editor), showId);
        Assert.Equal(HttpStatusCode.Created, (await other.CreateAsync("IMG_0600.JPG", Jpeg(600, 120, 80))).Status);

        // Once one of them finishes, a place is free again.
        var first = started.First(a => a.Status == HttpStatusCode.Created);
        var name = (await UploadRowAsync(first.Id!.Value)).FileName;
        var bytes = Jpeg(int.Parse(name[4..7]), 120, 80);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(first.Id!.Value, 0, bytes)).Status);
        Assert.Equal("Done", (await client.CompleteAndWaitAsync(first.Id!.Value)).State);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateAsync("IMG_0700.JPG", Jpeg(700, 120, 80))).Status);
    }

    /// <summary>Sends the first <paramref name="cutAfter"/> bytes, then fails as a dropped connection does.</summary>
    private sealed class CutContent(byte[] bytes, int cutAfter) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, cutAfter));
            await stream.FlushAsync();
            throw new IOException("connection reset by the venue's wifi");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
