using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Backstage.Web.Tests.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Backstage.Web.Tests.Ingest;

/// <summary>The gallery test settings plus small chunks and a small per-show limit, so every protocol path is cheap to reach.</summary>
public sealed class IngestFactory : GalleryFactory
{
    public const int ChunkBytes = 64 * 1024;
    public const int MaxPhotosPerShow = 12;
    public const int MaxOpenUploadsPerEditor = 4;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Ingest:ChunkBytes", ChunkBytes.ToString());
        builder.UseSetting("Backstage:Ingest:MaxPhotosPerShow", MaxPhotosPerShow.ToString());
        builder.UseSetting("Backstage:Ingest:MaxOpenUploadsPerEditor", MaxOpenUploadsPerEditor.ToString());
        builder.UseSetting("Backstage:Ingest:MaxCompressionRatio", "50");
    }
}

/// <summary>
/// Speaks the chunk protocol the way ingest-upload.js does: token header from the upload page, JSON answers. Hosted
/// workers are off in these tests, so <paramref name="runCompletions"/> plays the node's worker that runs the queued
/// completion job (<see cref="Backstage.Web.Ingest.CompleteUploadHandler"/>).
/// </summary>
internal sealed class ProtocolClient(FormClient client, int showId, Func<Task>? runCompletions = null)
{
    public static ProtocolClient For(GalleryFactory factory, FormClient client, int showId) =>
        new(client, showId, () => factory.DrainKindAsync(Backstage.Web.Ingest.CompleteUploadHandler.KindName));

    public static string UploadPage(int showId) => $"/studio/shows/{showId}/upload";
    private string? _token;

    public HttpClient Http => client.Http;

    public async Task<string> TokenAsync() => _token ??= (await client.GetDocumentAsync(UploadPage(showId)))
        .QuerySelector("#ingest-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<Answer> CreateAsync(string name, byte[] file, Guid? batch = null, int order = 0, string? sidecar = null, string? sha = null, long? size = null) =>
        await SendAsync(HttpMethod.Post, $"/studio/ingest/shows/{showId}/uploads",
            JsonContent.Create(new { name, size = size ?? file.Length, sha256 = sha ?? Sha(file), batch, order, sidecar }));

    public async Task<Answer> PutAsync(Guid id, long offset, byte[] chunk)
    {
        var content = new ByteArrayContent(chunk);
        content.Headers.ContentType = new("application/offset+octet-stream");
        return await SendAsync(HttpMethod.Put, $"/studio/ingest/uploads/{id}", content, offset);
    }

    public Task<Answer> StatusAsync(Guid id) => SendAsync(HttpMethod.Get, $"/studio/ingest/uploads/{id}", null);
    public Task<Answer> CompleteAsync(Guid id) => SendAsync(HttpMethod.Post, $"/studio/ingest/uploads/{id}/complete", null);

    /// <summary>Complete; on 202 let the completion job run, then read the status URL it gave, as the browser polls.</summary>
    public async Task<Answer> CompleteAndWaitAsync(Guid id)
    {
        var answer = await CompleteAsync(id);
        if (answer.Status != HttpStatusCode.Accepted) return answer;
        Assert.Equal($"/studio/ingest/uploads/{id}", answer.StatusUrl);
        await (runCompletions ?? throw new InvalidOperationException("this client cannot run the completion job"))();
        return await SendAsync(HttpMethod.Get, answer.StatusUrl!, null);
    }

    /// <summary>Create, every chunk in order, complete: what an uninterrupted browser does.</summary>
    public async Task<Answer> UploadAsync(string name, byte[] file, Guid? batch = null, int order = 0, string? sidecar = null)
    {
        var created = await CreateAsync(name, file, batch, order, sidecar);
        if (created.Id is not { } id) return created;
        for (long at = created.Offset ?? 0; at < file.Length; at += IngestFactory.ChunkBytes)
            Assert.Equal(HttpStatusCode.OK, (await PutAsync(id, at, file[(int)at..(int)Math.Min(file.Length, at + IngestFactory.ChunkBytes)])).Status);
        return await CompleteAndWaitAsync(id);
    }

    public async Task<Answer> SendAsync(HttpMethod method, string url, HttpContent? content, long? offset = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("RequestVerificationToken", await TokenAsync());
        if (offset is { } o) request.Headers.Add("Upload-Offset", o.ToString());
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new Answer(response.StatusCode, json, response.Headers.TryGetValues("Upload-Offset", out var v) ? long.Parse(v.First()) : null);
    }
}

internal sealed record Answer(HttpStatusCode Status, JsonElement Json, long? OffsetHeader)
{
    private JsonElement? Prop(string name) => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var p) && p.ValueKind != JsonValueKind.Null ? p : null;
    public Guid? Id => Prop("id")?.GetGuid();
    public long? Offset => Prop("offset")?.GetInt64();
    public string? State => Prop("state")?.GetString();
    public string? StatusUrl => Prop("statusUrl")?.GetString();
    public string Message => Prop("message")?.GetString() ?? "";
    public List<(string Kind, string Message, int? PhotoId)> Results => Prop("results") is { } r
        ? r.EnumerateArray().Select(l => (l.GetProperty("kind").GetString()!, l.GetProperty("message").GetString()!,
            l.GetProperty("photoId").ValueKind == JsonValueKind.Number ? l.GetProperty("photoId").GetInt32() : (int?)null)).ToList()
        : [];
}
