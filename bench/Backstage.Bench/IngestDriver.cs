using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backstage.Media;

namespace Backstage.Bench;

/// <summary>
/// `ingest`: the newsroom ingest end to end over the real HTTP path (issue 11). Signs in through the sign-in form, creates
/// a show through the studio form, uploads N photos — `resumable`: the chunk protocol exactly as ingest-upload.js speaks
/// it (SHA-256, create, chunks at the confirmed offset, complete; three files in flight); `form`: the no-JavaScript upload
/// form in batches of its per-upload limit — then polls the show's status route until every photo is ready with every
/// planned rendition. Several --base URLs spread requests round-robin over the nodes. Exits non-zero when a photo is
/// lost, duplicated, failed or not ready in time. The last line is `RESULT {json}` for bench/ingest/run.sh.
/// </summary>
public static partial class IngestDriver
{
    private sealed record Options(string[] Bases, string Email, string Password, int Photos, string UploadPath, string PhotosDir,
        int Parallel, int FormBatch, TimeSpan Timeout);

    public sealed record Result(string Path, int Photos, long Bytes, int Nodes, double UploadSeconds, double FirstReadySeconds,
        double AllReadySeconds, double AllRenditionsSeconds, double PhotosPerMinute, string[] Failed);

    private static Options Parse(string[] args)
    {
        string[] bases = ["http://127.0.0.1:5399"];
        string email = "editor@backstage.test", password = Environment.GetEnvironmentVariable("BENCH_PASSWORD") ?? "Backstage-demo-2025";
        string path = "resumable", dir = Environment.GetEnvironmentVariable("BENCH_PHOTOS") ?? "/work/bench-photos/24mp";
        int photos = 20, parallel = 3, formBatch = new MediaOptions().MaxFilesPerUpload, timeout = 1800;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--base": bases = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => b.TrimEnd('/')).ToArray(); break;
                case "--email": email = Next(); break;
                case "--password": password = Next(); break;
                case "--photos": photos = NextInt(); break;
                case "--path": path = Next(); break;
                case "--photos-dir": dir = Next(); break;
                case "--parallel": parallel = NextInt(); break;
                case "--form-batch": formBatch = NextInt(); break;
                case "--timeout": timeout = NextInt(); break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}; use ingest --base URL[,URL] --email E --password P --photos N " +
                        "--path resumable|form --photos-dir DIR --parallel 3 --form-batch 20 --timeout SECONDS");
            }
        }
        if (path is not ("resumable" or "form")) throw new ArgumentException("--path is resumable or form");
        return new(bases, email, password, photos, path, dir, Math.Max(1, parallel), Math.Max(1, formBatch), TimeSpan.FromSeconds(timeout));
    }

    public static async Task<int> Run(string[] args)
    {
        var o = Parse(args);
        var files = Enumerable.Range(1, o.Photos).Select(i => Path.Combine(o.PhotosDir, BenchPhotos.FileName(i))).ToList();
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"{missing.Count} of {o.Photos} photos missing in {o.PhotosDir}: run `photos --count {o.Photos} --dir {o.PhotosDir}` first");
            return 2;
        }

        var nodes = new Nodes(o.Bases);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(), // cookies are per host, not per port: one sign-in serves every node
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = o.Parallel + 2,
        }) { Timeout = TimeSpan.FromMinutes(10) };

        await SignInAsync(http, nodes, o.Email, o.Password);
        int showId = await CreateShowAsync(http, nodes);
        Console.WriteLine($"signed in as {o.Email}; show {showId}; {o.Photos} photos via {o.UploadPath} over {o.Bases.Length} node(s)");

        var clock = Stopwatch.StartNew();
        var firstByte = DateTimeOffset.UtcNow;
        var uploadedSha = o.UploadPath == "resumable"
            ? await ResumableAsync(http, nodes, showId, files, o.Parallel)
            : await FormAsync(http, nodes, showId, files, o.FormBatch);
        double uploadSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"uploads done after {uploadSeconds:0.0} s");

        double? allReady = null, allRenditions = null;
        List<PhotoStatus> photos = [];
        while (clock.Elapsed < o.Timeout)
        {
            photos = await StatusAsync(http, nodes, showId);
            int ready = photos.Count(p => p.Status == "Ready");
            if (allReady is null && ready == photos.Count && photos.Count >= o.Photos) allReady = clock.Elapsed.TotalSeconds;
            if (photos.Count >= o.Photos && photos.All(p => p.Status == "Ready" && p.Renditions == p.Planned))
            {
                allRenditions = clock.Elapsed.TotalSeconds;
                break;
            }
            if (photos.Any(p => p.Status == "Failed")) break;
            await Task.Delay(1000);
        }

        var failed = new List<string>();
        failed.AddRange(photos.Where(p => p.Status != "Ready").Select(p => $"{p.Name}: {p.Status}"));
        failed.AddRange(photos.Where(p => p.Status == "Ready" && p.Renditions != p.Planned).Select(p => $"{p.Name}: {p.Renditions} of {p.Planned} renditions"));
        if (photos.Count != o.Photos) failed.Add($"the show holds {photos.Count} photos, expected {o.Photos}");
        if (photos.Select(p => p.Sha256).Distinct().Count() != photos.Count) failed.Add("the show holds the same SHA-256 twice");
        failed.AddRange(uploadedSha.Except(photos.Select(p => p.Sha256)).Select(s => $"sha256 {s[..12]}… uploaded but not in the show"));
        if (allRenditions is null && failed.Count == 0) failed.Add($"not every photo ready within {o.Timeout.TotalSeconds:0} s");

        // The server's own ready times (Photo.UpdatedAt when marked Ready) are exact; polling only bounds them.
        var readyTimes = photos.Where(p => p.ReadyAt is not null).Select(p => (p.ReadyAt!.Value - firstByte).TotalSeconds).Order().ToList();
        double firstReady = readyTimes.Count > 0 ? readyTimes[0] : double.NaN;
        double lastReady = readyTimes.Count == o.Photos ? readyTimes[^1] : allReady ?? double.NaN;
        var result = new Result(o.UploadPath, photos.Count, files.Sum(f => new FileInfo(f).Length), o.Bases.Length, uploadSeconds, firstReady,
            lastReady, allRenditions ?? double.NaN, o.Photos / (lastReady / 60), failed.ToArray());

        Console.WriteLine($"{result.Photos} photos, {result.Bytes / 1e6:0.0} MB; first ready {firstReady:0.0} s, all ready {lastReady:0.0} s, " +
            $"every rendition {allRenditions:0.0} s after the first byte; {result.PhotosPerMinute:0.0} photos/min");
        foreach (var f in failed) Console.WriteLine("FAILED " + f);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>Round-robin over the nodes, one request at a time.</summary>
    private sealed class Nodes(string[] bases)
    {
        private int _next = -1;
        public string Url(string path) => bases[(int)((uint)Interlocked.Increment(ref _next) % (uint)bases.Length)] + path;
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*name="__RequestVerificationToken" """)]
    private static partial Regex TokenInput();

    /// <summary>A form page and its antiforgery token (what a browser posts back).</summary>
    private static async Task<(string Html, string Token)> FormPageAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var html = await Expect(response, HttpStatusCode.OK);
        var m = TokenInput().Match(html);
        if (!m.Success) throw new InvalidOperationException($"no antiforgery token on {url}");
        return (html, WebUtility.HtmlDecode(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value));
    }

    private static async Task<string> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}, expected {(int)status}: {body[..Math.Min(300, body.Length)]}");
        return body;
    }

    private static async Task SignInAsync(HttpClient http, Nodes nodes, string email, string password)
    {
        var (_, token) = await FormPageAsync(http, nodes.Url("/account/login"));
        using var response = await http.PostAsync(nodes.Url("/account/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        await Expect(response, HttpStatusCode.Redirect);
        if (response.Headers.Location?.OriginalString.Contains("/account/", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"sign-in as {email} went on to {response.Headers.Location} (two-factor sign-in required?)");
    }

    private static async Task<int> CreateShowAsync(HttpClient http, Nodes nodes)
    {
        var (_, token) = await FormPageAsync(http, nodes.Url("/studio/shows/edit"));
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        using var response = await http.PostAsync(nodes.Url("/studio/shows/edit"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Designer"] = $"Ingest bench {stamp}", ["Input.Season"] = "Spring/Summer 2027", ["Input.City"] = "Paris",
            ["Input.Date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["Input.Slug"] = $"ingest-bench-{stamp}-{Random.Shared.Next(1000):000}",
            ["Input.Version"] = "0", ["action"] = "save", ["__RequestVerificationToken"] = token,
        }));
        await Expect(response, HttpStatusCode.Redirect);
        var location = response.Headers.Location?.OriginalString ?? "";
        var id = Regex.Match(location, @"/(\d+)(?:[/?]|$)");
        return id.Success ? int.Parse(id.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"saving the show redirected to '{location}', which names no show id");
    }

    [GeneratedRegex("""data-chunk-bytes="(\d+)" """)]
    private static partial Regex ChunkBytes();

    /// <summary>The JavaScript path: per file SHA-256, create, PUT chunks from the confirmed offset, complete.</summary>
    private static async Task<List<string>> ResumableAsync(HttpClient http, Nodes nodes, int showId, List<string> files, int parallel)
    {
        var (html, token) = await FormPageAsync(http, nodes.Url($"/studio/shows/{showId}/upload"));
        int chunk = int.Parse(ChunkBytes().Match(html).Groups[1].Value, CultureInfo.InvariantCulture);
        var batch = Guid.NewGuid();
        var shas = new string[files.Count];

        async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, long? offset = null, params HttpStatusCode[] ok)
        {
            using var request = new HttpRequestMessage(method, nodes.Url(path)) { Content = content };
            request.Headers.Add("RequestVerificationToken", token);
            request.Headers.Add("Accept", "application/json");
            if (offset is { } at) request.Headers.Add("Upload-Offset", at.ToString(CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!ok.Contains(response.StatusCode))
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
        {
            var file = files[i];
            long size = new FileInfo(file).Length;
            string sha;
            await using (var s = File.OpenRead(file)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(s));
            shas[i] = sha;
            var created = await SendAsync(HttpMethod.Post, $"/studio/ingest/shows/{showId}/uploads",
                JsonContent.Create(new { name = Path.GetFileName(file), size, sha256 = sha, batch, order = 0, sidecar = (string?)null }), null,
                HttpStatusCode.Created, HttpStatusCode.OK);
            if (!created.TryGetProperty("id", out var idProp) || idProp.ValueKind != JsonValueKind.String)
                throw new InvalidOperationException($"{file}: not created: {created}");
            var id = idProp.GetGuid();
            long offset = created.GetProperty("offset").GetInt64();
            var buffer = new byte[chunk];
            await using var stream = File.OpenRead(file);
            while (offset < size)
            {
                stream.Position = offset;
                int n = await stream.ReadAtLeastAsync(buffer, (int)Math.Min(chunk, size - offset));
                var body = new ByteArrayContent(buffer, 0, n);
                body.Headers.ContentType = new("application/offset+octet-stream");
                offset = (await SendAsync(HttpMethod.Put, $"/studio/ingest/uploads/{id}", body, offset, HttpStatusCode.OK)).GetProperty("offset").GetInt64();
            }
            while (true)
            {
                // 202 while the server checks and adds the file in its completion job ("Completing"): asked again until "Done"
                var done = await SendAsync(HttpMethod.Post, $"/studio/ingest/uploads/{id}/complete", null, null, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Conflict);
                if (done.TryGetProperty("state", out var state) && state.GetString() == "Done")
                {
                    var line = done.GetProperty("results")[0];
                    if (!line.GetProperty("ok").GetBoolean()) throw new InvalidOperationException($"{file}: {line.GetProperty("message").GetString()}");
                    break;
                }
                if (state.ValueKind == JsonValueKind.String && state.GetString() == "Completing") { await Task.Delay(1500); continue; }
                throw new InvalidOperationException($"{file}: complete answered {done}");
            }
        });
        return shas.ToList();
    }

    /// <summary>The no-JavaScript path: the upload form, one batch of at most its per-upload limit after the other.</summary>
    private static async Task<List<string>> FormAsync(HttpClient http, Nodes nodes, int showId, List<string> files, int batchSize)
    {
        var uploadPage = $"/studio/shows/{showId}/upload";
        var shas = new List<string>();
        foreach (var batch in files.Chunk(batchSize))
        {
            var (_, token) = await FormPageAsync(http, nodes.Url(uploadPage));
            using var form = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new StringContent("AsShot"), "Order" },
            };
            var streams = new List<Stream>();
            try
            {
                foreach (var file in batch)
                {
                    await using (var s = File.OpenRead(file)) shas.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(s)));
                    var stream = File.OpenRead(file);
                    streams.Add(stream);
                    var part = new StreamContent(stream);
                    part.Headers.ContentType = new("image/jpeg");
                    form.Add(part, "files", Path.GetFileName(file));
                }
                using var response = await http.PostAsync(nodes.Url(uploadPage + "?handler=upload"), form);
                await Expect(response, HttpStatusCode.Redirect);
            }
            finally
            {
                foreach (var s in streams) await s.DisposeAsync();
            }
        }
        return shas;
    }

    private sealed record PhotoStatus(int Id, string Sha256, string Name, string Status, int Renditions, int Planned, DateTimeOffset? ReadyAt);

    private static async Task<List<PhotoStatus>> StatusAsync(HttpClient http, Nodes nodes, int showId)
    {
        using var response = await http.GetAsync(nodes.Url($"/studio/ingest/shows/{showId}/status"));
        var json = JsonDocument.Parse(await Expect(response, HttpStatusCode.OK)).RootElement;
        return json.GetProperty("photos").EnumerateArray().Select(p => new PhotoStatus(p.GetProperty("id").GetInt32(), p.GetProperty("sha256").GetString()!,
            p.GetProperty("name").GetString()!, p.GetProperty("status").GetString()!, p.GetProperty("renditions").GetInt32(), p.GetProperty("planned").GetInt32(),
            p.GetProperty("readyAt").ValueKind == JsonValueKind.String ? p.GetProperty("readyAt").GetDateTimeOffset() : null)).ToList();
    }
}
