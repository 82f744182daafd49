using System.Globalization;
using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Cluster;

/// <summary>
/// Expiry punctuality (bench/cdn/run.sh, docs/benchmarks.md): BACKSTAGE_BENCH_EXPIRIES published photos (2 in the
/// normal suite, 20 for the figures) get a "valid until" a few whole seconds ahead, one second apart, as the rights form
/// saves it (with its expiry job). Both nodes' <c>/media</c> are polled every 10 ms from just before that moment until
/// both answer 410; the figure is the time from "valid until" to the last node's first 410. Asserts only what must
/// hold: 200 before "valid until", 410 "licence expired" on both nodes after it.
/// </summary>
public sealed class ExpiryPunctualityBench(TwoNodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task Expiry_punctuality_from_valid_until_to_the_last_node_answering_410()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_EXPIRIES"), out var v) && v > 0 ? v : 2;
        var (a, b) = (nodes.A, nodes.B);
        var show = await a.CreateShowAsync("Expiry");
        var editor = await a.ClientAsync(Roles.Editor);
        for (int i = 0; i < n; i += 4)
            await UploadAndShowAsync(editor, show.Id, Enumerable.Range(i, Math.Min(4, n - i)).Select(k => ($"IMG_{k:0000}.jpg", Jpeg(7000 + k, 480, 320))).ToArray());
        var until = DateTime.UtcNow.AddMinutes(30);
        while ((await a.PhotosAsync(show.Id)).Count(p => p.Status == PhotoStatus.Ready) < n)
        {
            Assert.True(DateTime.UtcNow < until, "the bench photos were not rendered");
            await Task.Delay(500);
        }
        await a.FillGateAsync(show.Id);
        Assert.True((await a.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        var photos = await a.PhotosAsync(show.Id);
        var readers = new[] { a.Anonymous(), b.Anonymous() };
        foreach (var photo in photos)
            foreach (var reader in readers)
                Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(MediaEndpoints.Url(photo.Id, "w320.jpg"))).StatusCode); // both nodes' local caches warm

        // Whole seconds, as the rights form gives; the first a few seconds ahead, then one per second.
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(4);
        var due = photos.Select((p, i) => (p.Id, At: first.AddSeconds(i))).ToList();
        await a.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BackstageDbContext>();
            foreach (var (id, at) in due)
            {
                var p = await db.Set<Photo>().SingleAsync(x => x.Id == id);
                p.ValidUntil = at;
                RightsExpiry.Schedule(db, sp.GetRequiredService<JobQueue>(), p);
            }
            await db.SaveChangesAsync();
            return 0;
        });

        static DateTimeOffset Now() => DateTimeOffset.UtcNow; // the nodes' clock: same machine
        // One task per photo and node: polls from 200 ms before "valid until" until the node answers 410.
        async Task<(double Gone, double LastOk)> WatchAsync(HttpClient reader, int id, DateTimeOffset at)
        {
            var wait = at.AddMilliseconds(-200) - Now();
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var url = MediaEndpoints.Url(id, "w320.jpg");
            double lastOk = double.NaN;
            while (true)
            {
                var sent = Now();
                var r = await reader.GetAsync(url);
                if (r.StatusCode == HttpStatusCode.Gone)
                {
                    Assert.Equal("licence expired", r.Headers.GetValues("X-Gone-Reason").Single());
                    var answered = Now();
                    Assert.True(answered >= at, $"photo {id} answered 410 before its valid-until");
                    return ((answered - at).TotalMilliseconds, lastOk);
                }
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.True(sent < at.AddMilliseconds(50), $"photo {id} still 200 to a request sent {(sent - at).TotalMilliseconds:0} ms after its valid-until");
                lastOk = (sent - at).TotalMilliseconds;
                Assert.True(Now() < at.AddSeconds(30), $"photo {id} not 410 30 s after its valid-until");
                await Task.Delay(10);
            }
        }
        var results = await Task.WhenAll(due.Select(async d =>
        {
            var both = await Task.WhenAll(readers.Select(r => WatchAsync(r, d.Id, d.At)));
            return (Last: both.Max(x => x.Gone), Resolution: both.Max(x => x.Gone - x.LastOk));
        }));
        var ms = results.Select(r => r.Last).Order().ToList();
        double P(double q) => ms[(int)Math.Min(ms.Count - 1, Math.Ceiling(q * ms.Count) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture,
            $"EXPIRY-PUNCTUALITY photos={ms.Count} nodes=2 p50={P(0.50):0.0}ms p99={P(0.99):0.0}ms min={ms[0]:0.0}ms max={ms[^1]:0.0}ms poll-gap-max={results.Max(r => r.Resolution):0.0}ms");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
