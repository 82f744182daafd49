using System.Diagnostics;
using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Storage;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Ingest;
using Backstage.Web.Tests.Reader;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Cluster;

/// <summary>
/// One app node on real Kestrel (its own port and data directory, as a separate machine would have), sharing a
/// PostgreSQL database and an S3 bucket with the other nodes. Polling fallbacks are set to ten minutes, so whatever
/// reaches a node within the tests' deadlines came by NOTIFY — except a job whose lease ran out, which only polling finds
/// (<paramref name="lease"/> sets both the lease and the job polling interval).
/// </summary>
/// <summary>One node; <paramref name="settings"/> (if any) override the test defaults, e.g. production media limits for a bench.</summary>
public sealed class NodeFactory(string connectionString, S3Server s3, int workers, TimeSpan? lease = null, IReadOnlyDictionary<string, string>? settings = null)
    : Storage.S3GalleryFactoryOn(connectionString, s3)
{
    public static readonly TimeSpan SlowPoll = TimeSpan.FromMinutes(10);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        await Services.GetRequiredService<ClusterEvictions>().Listening.WaitAsync(TimeSpan.FromSeconds(60));
    }

    protected override HttpClient NewClient(bool cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies })
        {
            BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        };

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:PublicBaseUrl", "http://127.0.0.1"); // the host of the real Kestrel port the clients use
        builder.UseSetting("Backstage:Jobs:Workers", workers.ToString());
        builder.UseSetting("Backstage:Jobs:PollInterval", (lease ?? SlowPoll).ToString());
        builder.UseSetting("Backstage:Cluster:PollInterval", SlowPoll.ToString());
        if (lease is { } l) builder.UseSetting("Backstage:Jobs:Lease", l.ToString());
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>One database and one s3rver; node A serves only (no workers), node B renders; both with <see cref="Settings"/> if given.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    /// <summary>Settings over the test defaults for both nodes (set before the fixture starts).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    public S3Server S3 { get; private set; } = null!;
    public NodeFactory A { get; private set; } = null!;
    public NodeFactory B { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync();
        S3 = await S3Server.StartAsync();
        A = new NodeFactory(ConnectionString, S3, workers: 0, settings: Settings);
        B = new NodeFactory(ConnectionString, S3, workers: 2, settings: Settings);
        await Task.WhenAll(A.InitializeAsync(), B.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await S3.DisposeAsync();
    }
}

public sealed class TwoNodeTests(TwoNodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodes>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60); // generous: the machine is shared; the target is < 1 s

    private NodeFactory A => nodes.A;
    private NodeFactory B => nodes.B;

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) Assert.Fail($"{what} did not happen within {Deadline.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    /// <summary>Uploads on A (which has no workers), waits until B's workers made it Ready, publishes the gallery on A.</summary>
    private async Task<(Shows.Show Show, Photo Photo)> PublishedPhotoOnAAsync(string designer, int seed)
    {
        var show = await A.CreateShowAsync(designer);
        var editor = await A.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ($"{designer}.jpg", Jpeg(seed, 640, 480)));
        var photo = (await EventuallyAsync(() => A.PhotosAsync(show.Id), p => p.Count == 1 && p[0].Status == PhotoStatus.Ready, "rendering on B")).Single();
        Assert.Equal(HttpStatusCode.Redirect, (await PostEditorAsync(editor, show.Id, "publishAll", f => { f["Items[0].AltText"] = "A look backstage"; f["Items[0].Credit"] = "Camille Martin"; })).StatusCode);
        return (show, photo);
    }

    [Fact]
    public async Task A_photo_uploaded_on_A_is_rendered_by_B_and_served_by_both_from_the_shared_bucket()
    {
        var (_, photo) = await PublishedPhotoOnAAsync("Dior", 11);
        var job = await A.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Kind == RenderPhotoHandler.JobKind && j.Payload == photo.Id.ToString()));
        Assert.Equal(JobState.Succeeded, job.State); // A has no workers: B rendered it, woken by NOTIFY (B's own polling is 10 minutes)
        Assert.Equal(1, job.Attempts);

        var spec = photo.Renditions.First(r => r.Spec == "w320.jpg").Spec;
        var stored = await nodes.S3.ReadAsync(MediaKeys.Rendition(photo.Id, spec));
        foreach (var node in new[] { A, B })
        {
            var response = await node.Anonymous().GetAsync(MediaEndpoints.Url(photo.Id, spec));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync());
            Assert.True(node.Get<RenditionCache>().Holds(photo.Id, spec));
        }
    }

    [Fact]
    public async Task A_resumable_upload_may_send_each_chunk_to_either_node()
    {
        var show = await A.CreateShowAsync("Valentino");
        var onA = new ProtocolClient(await A.ClientAsync(Roles.Editor), show.Id);
        var onB = new ProtocolClient(await B.ClientAsync(Roles.Editor), show.Id);
        var file = Jpeg(13, 1600, 1100);
        int half = file.Length / 2;

        var created = await onA.CreateAsync("IMG_0013.JPG", file);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Id!.Value;
        Assert.Equal(HttpStatusCode.OK, (await onA.PutAsync(id, 0, file[..half])).Status);
        var second = await onB.PutAsync(id, half, file[half..]); // no sticky sessions: the load balancer picked B
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(file.Length, second.Offset);
        // Completion is a job: A answers 202, a worker on either node finishes it, the browser polls the status URL.
        var accepted = await onA.CompleteAsync(id);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var done = await EventuallyAsync(() => onB.StatusAsync(id), s => s.State == "Done", "the completion job");
        Assert.Equal("ok", Assert.Single(done.Results).Kind);
        var photo = (await EventuallyAsync(() => A.PhotosAsync(show.Id), p => p.Count == 1 && p[0].Status == PhotoStatus.Ready, "rendering on B")).Single();
        Assert.Equal(ProtocolClient.Sha(file), photo.Sha256);
        Assert.Equal(file, await nodes.S3.ReadAsync(MediaKeys.Original(photo.Sha256)));
        var rendition = await onA.Http.GetAsync(MediaEndpoints.Url(photo.Id, photo.Renditions.First(r => r.Spec == "w320.jpg").Spec));
        Assert.Equal(HttpStatusCode.OK, rendition.StatusCode);
        Assert.Equal("image/jpeg", rendition.Content.Headers.ContentType?.MediaType);
        await foreach (var o in A.Get<IMediaStore>().ListAsync(MediaKeys.IngestChunksOf(id), default))
            Assert.Fail($"chunk {o.Key} was left in the bucket");
    }

    [Fact]
    public async Task A_change_saved_on_A_reaches_the_cached_pages_of_B()
    {
        var anonB = B.Anonymous();
        var latencies = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            var before = await anonB.GetStringAsync("/"); // B renders and caches its home page
            var title = "Cluster " + ReaderData.Word();
            await A.ArticleAsync(title); // saved, but nothing evicted yet: B keeps serving its cached page
            Assert.Equal(before, await anonB.GetStringAsync("/"));

            var clock = Stopwatch.StartNew();
            await A.Get<PublicCache>().InvalidateAsync(default); // what every studio save does after its commit
            await EventuallyAsync(() => anonB.GetStringAsync("/"), html => html.Contains(title), "B's home page update");
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        output.WriteLine($"eviction A→B (save on A until B serves the new page), ms: p50 {latencies[latencies.Count / 2]:F0}, max {latencies[^1]:F0}");
    }

    [Fact]
    public async Task A_missed_notification_is_caught_by_polling()
    {
        var anonB = B.Anonymous();
        await anonB.GetStringAsync("/");
        var title = "Polled " + ReaderData.Word();
        await A.ArticleAsync(title);
        await using (var conn = new NpgsqlConnection(nodes.ConnectionString))
        {
            await conn.OpenAsync();
            // replica mode skips triggers: the row is written but no NOTIFY is sent, as if B had been disconnected
            await using var cmd = new NpgsqlCommand("SET session_replication_role = replica; INSERT INTO cache_evictions (tag) VALUES ('public');", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        await Task.Delay(200);
        Assert.DoesNotContain(title, await anonB.GetStringAsync("/"));
        await B.Get<ClusterEvictions>().PollAsync(default); // what B's listener does every PollInterval
        Assert.Contains(title, await anonB.GetStringAsync("/"));
    }

    [Fact]
    public async Task Deleting_a_photo_on_B_evicts_A_s_pages_and_A_s_local_media_cache()
    {
        var (show, photo) = await PublishedPhotoOnAAsync("Gucci", 12);
        var anonA = A.Anonymous();
        var spec = photo.Renditions.First(r => r.Spec == "w320.jpg").Spec;
        Assert.Equal(HttpStatusCode.OK, (await anonA.GetAsync(MediaEndpoints.Url(photo.Id, spec))).StatusCode);
        Assert.True(A.Get<RenditionCache>().Holds(photo.Id, spec));
        Assert.Contains($"photo-{photo.Id}", await anonA.GetStringAsync($"/shows/{show.Slug}"));

        // What the studio's delete does on B: remove the row (its trigger records the media eviction), then evict pages.
        await B.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photo.Id).ExecuteDeleteAsync());
        await B.Get<PublicCache>().InvalidateAsync(default);

        await EventuallyAsync(() => Task.FromResult(A.Get<RenditionCache>().Holds(photo.Id, spec)), held => !held, "A's media cache eviction");
        await EventuallyAsync(() => anonA.GetStringAsync($"/shows/{show.Slug}"), html => !html.Contains($"photo-{photo.Id}"), "A's show page update");
        Assert.Equal(HttpStatusCode.NotFound, (await anonA.GetAsync(MediaEndpoints.Url(photo.Id, spec))).StatusCode);
    }

    /// <summary>
    /// Issue 18: takedown's 410 and the non-public 404 hold on both nodes the instant the change commits. No node keeps
    /// a visibility cache: each /media request answers from one query on the shared database (MediaEndpoints), so B is
    /// checked right after A's call returns, with no wait for the NOTIFY — while B still holds the file in its local
    /// rendition cache, which must not serve it.
    /// </summary>
    [Fact]
    public async Task A_takedown_or_unpublish_committed_on_A_holds_on_B_the_moment_it_returns()
    {
        var (downShow, down) = await PublishedPhotoOnAAsync("Prada", 14);
        var (hiddenShow, hidden) = await PublishedPhotoOnAAsync("Loewe", 15);
        var anonB = B.Anonymous();
        static string Url(Photo p) => MediaEndpoints.Url(p.Id, p.Renditions.First(r => r.Spec == "w320.jpg").Spec);
        foreach (var p in new[] { down, hidden })
        {
            Assert.Equal(HttpStatusCode.OK, (await anonB.GetAsync(Url(p))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await A.Anonymous().GetAsync(Url(p))).StatusCode);
            Assert.True(B.Get<RenditionCache>().Holds(p.Id, "w320.jpg")); // B has the file on its own disk now
        }

        await A.WithScopeAsync(sp => sp.GetRequiredService<Takedown>().TakeDownAsync(downShow.Id, [down.Id], TakedownReason.Rights, null, Actor.System, default));
        var gone = await anonB.GetAsync(Url(down));
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("taken down", gone.Headers.GetValues("X-Gone-Reason").Single());
        Assert.Equal(HttpStatusCode.Gone, (await A.Anonymous().GetAsync(Url(down))).StatusCode);

        var unpublished = await A.WithScopeAsync(sp => sp.GetRequiredService<GalleryEditor>().UnpublishAsync(hiddenShow.Id, [hidden.Id], Actor.System, default));
        Assert.True(unpublished.Ok, unpublished.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await anonB.GetAsync(Url(hidden))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await A.Anonymous().GetAsync(Url(hidden))).StatusCode);
    }

    [Fact]
    public async Task Comment_flood_limits_hold_across_nodes()
    {
        var article = await A.CreateArticleAsync();
        var email = await A.CreateUserAsync(Roles.Reader);
        var onA = await SignedInAsync(A, email);
        var onB = await SignedInAsync(B, email);
        await onA.PostAcceptedAsync(article, "First, on node A.");
        var second = await onB.PostCommentAsync(article, "Right away, on node B.");
        Assert.NotEqual(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Contains("posting too quickly", await second.Content.ReadAsStringAsync());
    }

    private static async Task<FormClient> SignedInAsync(NodeFactory node, string email)
    {
        var client = node.NewFormClient();
        await client.SignInAsync(email, BackstageFactory.Password);
        return client;
    }
}

/// <summary>Kill a rendering node: the other one takes the job over after the lease, and it completes exactly once.</summary>
public sealed class NodeCrashTests : IAsyncLifetime
{
    private S3Server _s3 = null!;
    private string _db = "";

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _s3 = await S3Server.StartAsync();
    }

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task A_job_held_by_a_killed_node_is_taken_over_after_its_lease_and_completes_once()
    {
        var lease = TimeSpan.FromSeconds(3);
        Photo photo;
        await using (var b = new NodeFactory(_db, _s3, workers: 0, lease))
        {
            await b.InitializeAsync();
            var show = await b.CreateShowAsync("Margiela");
            var editor = await b.ClientAsync(Roles.Editor);
            await UploadAndShowAsync(editor, show.Id, ("look.jpg", Jpeg(21, 640, 480)));
            photo = Assert.Single(await b.PhotosAsync(show.Id));
            // B's worker claims the render and is killed mid-render: no heartbeat, no completion, no release.
            Assert.NotNull(await b.Get<JobQueue>().ClaimAsync("node-b/1", lease));
        }

        await using var a = new NodeFactory(_db, _s3, workers: 1, lease);
        await a.InitializeAsync();
        var job = await WaitAsync(a, photo.Id);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempts); // B's lost attempt, then A's
        Assert.NotEqual("node-b/1", job.LockedBy);
        Assert.False(await a.Get<JobQueue>().CompleteAsync(job, "node-b/1")); // B coming back late changes nothing
        // The Ready set enqueued the wider widths ("render-photo-later"), which A's worker renders next: compare the
        // rows with the bucket once that is done too (before, the listing could catch its files between the two reads).
        var later = await WaitAsync(a, photo.Id, RenderPhotoHandler.LaterKind);
        Assert.Equal(JobState.Succeeded, later.State);
        var rendered = Assert.Single(await a.PhotosAsync(photo.ShowId));
        Assert.Equal(PhotoStatus.Ready, rendered.Status);
        var keys = await _s3.KeysAsync(MediaKeys.RenditionsOf(photo.Id));
        Assert.Equal(rendered.Renditions.Select(r => MediaKeys.Rendition(photo.Id, r.Spec)).Order(), keys.Order());
        Assert.Single(await a.WithDbAsync(db => db.Set<Job>().Where(j => j.Payload == photo.Id.ToString() && j.Kind == RenderPhotoHandler.JobKind).ToListAsync()));
    }

    private static async Task<Job> WaitAsync(NodeFactory node, int photoId, string kind = RenderPhotoHandler.JobKind)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var job = await node.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleOrDefaultAsync(j => j.Kind == kind && j.Payload == photoId.ToString()));
            if (job is null) // the follow-up is enqueued by the first render's commit
            {
                Assert.True(DateTime.UtcNow < until, $"no {kind} job for photo {photoId} within 90 s");
                await Task.Delay(100);
                continue;
            }
            if (job.State is JobState.Succeeded or JobState.Failed || DateTime.UtcNow > until) return job;
            await Task.Delay(100);
        }
    }
}
