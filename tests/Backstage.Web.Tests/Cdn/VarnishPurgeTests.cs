using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Cdn;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Cdn;

/// <summary>
/// One test node on a real Kestrel socket with its own workers, and Debian's Varnish in front of it
/// (<see cref="VarnishServer"/>, tests/…/Cdn/varnish-test.vcl). The public address readers use is Varnish's, so the
/// purger's PURGE carries the same Host and path a reader's request does. Quick job retries (0.2 s, doubling, at most 1 s).
/// </summary>
public sealed class VarnishNode : GalleryFactory
{
    public int VarnishPort { get; } = VarnishServer.FreePort();
    public VarnishServer Varnish { get; private set; } = null!;
    public string VarnishUrl => $"http://127.0.0.1:{VarnishPort}";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        var origin = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Varnish = VarnishServer.Create(VarnishPort, origin.Port);
        await Varnish.StartAsync();
    }

    protected override HttpClient NewClient(bool cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies })
        {
            BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        };

    /// <summary>A reader's client that goes through Varnish.</summary>
    public HttpClient ThroughVarnish() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(VarnishUrl) };

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:PublicBaseUrl", VarnishUrl);
        builder.UseSetting("Backstage:Jobs:Workers", "1");
        builder.UseSetting("Backstage:Jobs:PollInterval", "00:00:00.200");
        builder.UseSetting("Backstage:Jobs:RetryBaseDelay", "00:00:00.200");
        builder.UseSetting("Backstage:Jobs:MaxRetryDelay", "00:00:01");
        builder.UseSetting("Backstage:Cdn:Kind", "Http");
        builder.UseSetting("Backstage:Cdn:Http:BaseUrl", VarnishUrl);
    }

    public override async Task DisposeAsync()
    {
        if (Varnish is not null) await Varnish.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class VarnishPurgeTests(VarnishNode node) : IClassFixture<VarnishNode>
{
    /// <summary>The bound: a purged URL is no longer served from cache within 5 s.</summary>
    private static readonly TimeSpan PurgeBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RenderWait = TimeSpan.FromSeconds(120); // a shared machine renders slowly; not a timing assertion

    private async Task<(Show Show, Photo Photo, FormClient Editor, string Url)> PublishedPhotoAsync(string designer)
    {
        var show = await node.CreateShowAsync(designer);
        var editor = await node.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ($"{designer}.jpg", Jpeg(Random.Shared.Next(1, 100_000), 640, 480)));
        var until = DateTime.UtcNow + RenderWait;
        while ((await node.PhotosAsync(show.Id)).SingleOrDefault()?.Status != PhotoStatus.Ready)
        {
            Assert.True(DateTime.UtcNow < until, "the photo was not rendered");
            await Task.Delay(200);
        }
        await node.FillGateAsync(show.Id);
        Assert.True((await node.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        var photo = (await node.PhotosAsync(show.Id)).Single();
        return (show, photo, editor, MediaEndpoints.Url(photo.Id, "w320.jpg"));
    }

    /// <summary>Fetches twice through Varnish: the second answer is a cache HIT (X-Cache, Age and two X-Varnish ids).</summary>
    private async Task AssertCachedAsync(HttpClient reader, string url, Photo photo)
    {
        var first = await reader.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("MISS", first.Headers.GetValues("X-Cache").Single());
        var second = await reader.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("HIT", second.Headers.GetValues("X-Cache").Single());
        Assert.Equal(2, second.Headers.GetValues("X-Varnish").Single().Split(' ').Length); // this request's id and the cached object's
        Assert.True(second.Headers.Age is not null);
        Assert.Equal($"photo-{photo.Id} show-{photo.ShowId}", second.Headers.GetValues("Surrogate-Key").Single());
        Assert.Equal($"photo-{photo.Id},show-{photo.ShowId}", second.Headers.GetValues("Cache-Tag").Single());
    }

    /// <summary>Polls the URL through Varnish until it is no longer a cached 200; returns that answer (or fails after 5 s).</summary>
    private static async Task<HttpResponseMessage> GoneFromCacheAsync(HttpClient reader, string url)
    {
        var until = DateTime.UtcNow + PurgeBound;
        while (true)
        {
            var r = await reader.GetAsync(url);
            if (r.StatusCode != HttpStatusCode.OK) return r;
            if (DateTime.UtcNow > until) Assert.Fail($"{url} was still served from Varnish's cache {PurgeBound.TotalSeconds} s after the purge was queued");
            await Task.Delay(50);
        }
    }

    private Task<List<Job>> PurgeJobsAsync(DateTimeOffset since) => node.WithDbAsync(db =>
        db.Set<Job>().AsNoTracking().Where(j => j.Kind == CdnPurgeHandler.JobKind && j.CreatedAt >= since).OrderBy(j => j.Id).ToListAsync());

    [Fact]
    public async Task A_rendition_through_Varnish_is_a_HIT_and_after_a_takedown_answers_410_within_5_s()
    {
        var (_, photo, editor, url) = await PublishedPhotoAsync("Dior");
        var reader = node.ThroughVarnish();
        await AssertCachedAsync(reader, url, photo);

        var details = $"/studio/photos/{photo.Id}";
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var takedown = await editor.PostFormAsync(details, [new("Reason", "Rights"), new("ReasonNote", "agency withdrew it")], details + "?handler=takeDown");
        Assert.Equal(HttpStatusCode.Redirect, takedown.StatusCode);

        var after = await GoneFromCacheAsync(reader, url);
        Assert.Equal(HttpStatusCode.Gone, after.StatusCode);
        var job = Assert.Single(await PurgeJobsAsync(since));
        Assert.Contains(node.VarnishUrl + url, job.Payload);
        Assert.Contains("photo-" + photo.Id, job.Payload);
    }

    [Fact]
    public async Task After_its_licence_expires_a_rendition_through_Varnish_answers_410_within_5_s()
    {
        var (_, photo, _, url) = await PublishedPhotoAsync("Gucci");
        var reader = node.ThroughVarnish();
        await AssertCachedAsync(reader, url, photo);

        // The licence ends a minute ago and the expiry job is due: the node's worker runs the real expiry path, which
        // commits the expiry and tells the CDN (Galleries.IPublicPhotoRemoval, implemented by Cdn.CdnPublicPhotoRemoval).
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await node.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BackstageDbContext>();
            var p = await db.Set<Photo>().SingleAsync(x => x.Id == photo.Id);
            // Whole seconds, as the rights form gives: the job's payload carries the ticks, and PostgreSQL keeps microseconds.
            var now = DateTimeOffset.UtcNow;
            p.ValidUntil = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddMinutes(-1);
            RightsExpiry.Schedule(db, sp.GetRequiredService<JobQueue>(), p);
            await db.SaveChangesAsync();
            return 0;
        });

        Assert.Equal(HttpStatusCode.Gone, (await GoneFromCacheAsync(reader, url)).StatusCode);
        Assert.Contains("licence expired", Assert.Single(await PurgeJobsAsync(since)).Payload);
    }

    [Fact]
    public async Task After_its_show_goes_back_to_Draft_a_rendition_through_Varnish_answers_404_within_5_s()
    {
        var (show, photo, _, url) = await PublishedPhotoAsync("Mugler");
        var reader = node.ThroughVarnish();
        await AssertCachedAsync(reader, url, photo);

        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var outcome = await node.WithScopeAsync(sp =>
        {
            var fields = new ShowFields(show.Designer, show.Season, show.City, show.Date, show.Slug, show.Description, show.EmbargoUntil, show.Version);
            return sp.GetRequiredService<ShowPublishing>().SaveAsync(show.Id, fields, ShowStatus.Draft, null, DeskTestKit.Desk, default);
        });
        Assert.True(outcome.Ok, outcome.Message);

        Assert.Equal(HttpStatusCode.NotFound, (await GoneFromCacheAsync(reader, url)).StatusCode);
        var job = Assert.Single(await PurgeJobsAsync(since));
        Assert.Contains($"{node.VarnishUrl}/shows/{show.Slug}\"", job.Payload);
        Assert.Contains("show-" + show.Id, job.Payload);
    }

    [Fact]
    public async Task A_purge_sent_while_Varnish_is_stopped_is_retried_until_it_succeeds_after_Varnish_restarts()
    {
        var (_, photo, editor, url) = await PublishedPhotoAsync("Chanel");
        await AssertCachedAsync(node.ThroughVarnish(), url, photo);

        await node.Varnish.StopAsync();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var details = $"/studio/photos/{photo.Id}";
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(details, [new("Reason", "Other")], details + "?handler=takeDown")).StatusCode);

        // The CDN refuses the connection: the job fails, and is pending again with the error, not lost.
        var until = DateTime.UtcNow.AddSeconds(60);
        Job job;
        do
        {
            await Task.Delay(100);
            job = Assert.Single(await PurgeJobsAsync(since));
            Assert.True(DateTime.UtcNow < until, "the purge was never attempted");
        } while (job.Attempts < 2 || job.LastError is null);
        Assert.NotEqual(JobState.Succeeded, job.State);
        Assert.Contains("HttpRequestException", job.LastError);

        await node.Varnish.StartAsync();
        until = DateTime.UtcNow.AddSeconds(60);
        while ((job = Assert.Single(await PurgeJobsAsync(since))).State != JobState.Succeeded)
        {
            Assert.NotEqual(JobState.Failed, job.State);
            Assert.True(DateTime.UtcNow < until, "the purge did not succeed after Varnish came back");
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.Gone, (await node.ThroughVarnish().GetAsync(url)).StatusCode);
    }
}
