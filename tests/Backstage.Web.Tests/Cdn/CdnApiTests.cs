using System.Net;
using System.Text.Json;
using Backstage.Web.Cdn;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Galleries;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Cdn;

/// <summary>
/// A local HTTP server that records every request and answers with the next status and body it was given (Cloudflare
/// and Fastly are external services we cannot run here: this checks the request shapes their APIs document).
/// </summary>
public sealed class RecordingServer : IDisposable
{
    public sealed record Call(string Method, string Path, Dictionary<string, string> Headers, string Body);

    private readonly HttpListener _listener = new();
    private readonly List<Call> _calls = [];
    private readonly Queue<(int Status, string Body)> _answers = new();

    public RecordingServer()
    {
        Port = Infrastructure.VarnishServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string DefaultBody { get; set; } = """{"success":true,"errors":[],"messages":[],"result":{"id":"x"}}""";

    public void AnswerNext(int status, string body) { lock (_answers) _answers.Enqueue((status, body)); }

    public List<Call> Calls { get { lock (_calls) return [.. _calls]; } }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            lock (_calls) _calls.Add(new Call(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body));
            (int Status, string Body) answer;
            lock (_answers) answer = _answers.Count > 0 ? _answers.Dequeue() : (200, DefaultBody);
            ctx.Response.StatusCode = answer.Status;
            ctx.Response.ContentType = "application/json";
            var bytes = System.Text.Encoding.UTF8.GetBytes(answer.Body);
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

/// <summary>A gallery node whose CDN is one of the API kinds, pointed at a <see cref="RecordingServer"/>.</summary>
public abstract class ApiCdnFactory : GalleryFactory
{
    public RecordingServer Api { get; } = new();
    protected abstract void ConfigureCdn(IWebHostBuilder builder);

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:PublicBaseUrl", "https://backstage.example");
        builder.UseSetting("Backstage:Media:PublicBaseUrl", "https://cdn.example");
        builder.UseSetting("AllowedHosts", "localhost;backstage.example");
        ConfigureCdn(builder);
    }

    public override async Task DisposeAsync()
    {
        Api.Dispose();
        await base.DisposeAsync();
    }
}

public sealed class CloudflareFactory : ApiCdnFactory
{
    protected override void ConfigureCdn(IWebHostBuilder builder)
    {
        builder.UseSetting("Backstage:Cdn:Kind", "Cloudflare");
        builder.UseSetting("Backstage:Cdn:Cloudflare:ApiBaseUrl", Api.BaseUrl + "/client/v4");
        builder.UseSetting("Backstage:Cdn:Cloudflare:ZoneId", "zone-023e105f");
        builder.UseSetting("Backstage:Cdn:Cloudflare:ApiToken", "cf-token-purge-only");
    }
}

public sealed class FastlyFactory : ApiCdnFactory
{
    protected override void ConfigureCdn(IWebHostBuilder builder)
    {
        builder.UseSetting("Backstage:Cdn:Kind", "Fastly");
        builder.UseSetting("Backstage:Cdn:Fastly:ApiBaseUrl", Api.BaseUrl);
        builder.UseSetting("Backstage:Cdn:Fastly:ServiceId", "SU1Z0isxPaozGVKXdv0eY");
        builder.UseSetting("Backstage:Cdn:Fastly:ApiKey", "fastly-purge-select");
    }
}

internal static class ApiCdnKit
{
    /// <summary>A published, rendered photo, then taken down; returns it (with its renditions as they were).</summary>
    public static async Task<Photo> TakenDownPhotoAsync(GalleryFactory factory)
    {
        var show = await factory.CreateShowAsync("Loewe");
        var editor = await factory.ClientAsync(Accounts.Roles.Editor);
        await GalleryTestKit.UploadAndShowAsync(editor, show.Id, ("look.jpg", GalleryTestKit.Jpeg(Random.Shared.Next(1, 100_000), 640, 480)));
        await factory.DrainAsync();
        await factory.FillGateAsync(show.Id);
        Assert.True((await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        var photo = (await factory.PhotosAsync(show.Id)).Single();
        photo.Show = show;
        Assert.NotEmpty(photo.Renditions);
        var n = await factory.WithScopeAsync(sp => sp.GetRequiredService<Takedown>().TakeDownAsync(show.Id, [photo.Id], TakedownReason.Rights, null, DeskTestKit.Desk, default));
        Assert.Equal(1, n);
        return photo;
    }

    public static Task<List<Job>> PurgeJobsAsync(GalleryFactory factory) => factory.WithDbAsync(db =>
        db.Set<Job>().AsNoTracking().Where(j => j.Kind == CdnPurgeHandler.JobKind).OrderBy(j => j.Id).ToListAsync());
}

public sealed class CloudflarePurgeTests(CloudflareFactory factory) : IClassFixture<CloudflareFactory>
{
    [Fact]
    public async Task A_takedown_posts_the_photos_URLs_to_purge_cache_with_the_bearer_token_and_retries_a_refusal()
    {
        var photo = await ApiCdnKit.TakenDownPhotoAsync(factory);
        factory.Api.AnswerNext(429, """{"success":false,"errors":[{"code":10000,"message":"rate limited"}]}""");
        await factory.DrainKindAsync(CdnPurgeHandler.JobKind); // RetryBaseDelay is 0 here: the retry runs in the same drain

        var calls = factory.Api.Calls.Where(c => c.Path == "/client/v4/zones/zone-023e105f/purge_cache").ToList();
        Assert.Equal(2, calls.Count); // refused once, then accepted
        Assert.All(calls, c =>
        {
            Assert.Equal("POST", c.Method);
            Assert.Equal("Bearer cf-token-purge-only", c.Headers["Authorization"]);
            Assert.StartsWith("application/json", c.Headers["Content-Type"]);
        });
        var files = JsonDocument.Parse(calls[^1].Body).RootElement.GetProperty("files").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.True(files.Count <= 30);
        foreach (var r in photo.Renditions) Assert.Contains($"https://cdn.example/media/{photo.Id}/{r.Spec}", files);
        Assert.Contains("https://backstage.example/shows/" + photo.Show!.Slug, files);
        Assert.Contains("https://backstage.example/feed.xml", files);
        var job = Assert.Single(await ApiCdnKit.PurgeJobsAsync(factory));
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempts);
        Assert.Contains("rate limited", job.LastError);
    }
}

public sealed class FastlyPurgeTests(FastlyFactory factory) : IClassFixture<FastlyFactory>
{
    [Fact]
    public async Task A_takedown_purges_the_photos_and_shows_surrogate_keys_with_the_Fastly_key()
    {
        var photo = await ApiCdnKit.TakenDownPhotoAsync(factory);
        await factory.DrainKindAsync(CdnPurgeHandler.JobKind);

        var call = Assert.Single(factory.Api.Calls);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/service/SU1Z0isxPaozGVKXdv0eY/purge", call.Path);
        Assert.Equal("fastly-purge-select", call.Headers["Fastly-Key"]);
        Assert.False(call.Headers.ContainsKey("Fastly-Soft-Purge")); // a takedown must not be served stale
        Assert.Equal($"photo-{photo.Id} show-{photo.ShowId} pages", call.Headers["Surrogate-Key"]);
        Assert.Equal(JobState.Succeeded, Assert.Single(await ApiCdnKit.PurgeJobsAsync(factory)).State);

        // The keys the purge names are the ones the origin's responses carry.
        var page = await factory.Anonymous().GetAsync("/shows/" + photo.Show!.Slug);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("show-" + photo.ShowId, page.Headers.GetValues("Surrogate-Key").Single());
        Assert.Contains("pages", page.Headers.GetValues("Surrogate-Key").Single());
    }
}
