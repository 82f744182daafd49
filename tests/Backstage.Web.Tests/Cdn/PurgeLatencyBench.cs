using System.Diagnostics;
using System.Globalization;
using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Galleries;
using Xunit.Abstractions;

using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Cdn;

/// <summary>
/// Purge latency (bench/cdn/run.sh, docs/benchmarks.md): for each of BACKSTAGE_BENCH_TAKEDOWNS photos (3 by default in
/// the normal suite, 50 for the figures), a cached rendition through Varnish, then the studio's "Take down" POST, then
/// Varnish polled every 5 ms until it no longer answers 200 from cache. Prints p50/p99 from the start of the POST. The
/// only assertion is the 5 s bound for each takedown.
/// </summary>
public sealed class PurgeLatencyBench(VarnishNode node, ITestOutputHelper output) : IClassFixture<VarnishNode>
{
    [Fact]
    public async Task Purge_latency_from_the_Take_down_POST_to_Varnish_no_longer_serving()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_TAKEDOWNS"), out var v) && v > 0 ? v : 3;
        var show = await node.CreateShowAsync("Bench");
        var editor = await node.ClientAsync(Roles.Editor);
        for (int i = 0; i < n; i += 4)
            await UploadAndShowAsync(editor, show.Id, Enumerable.Range(i, Math.Min(4, n - i)).Select(k => ($"IMG_{k:0000}.jpg", Jpeg(5000 + k, 480, 320))).ToArray());
        var until = DateTime.UtcNow.AddMinutes(30);
        while ((await node.PhotosAsync(show.Id)).Count(p => p.Status == PhotoStatus.Ready) < n)
        {
            Assert.True(DateTime.UtcNow < until, "the bench photos were not rendered");
            await Task.Delay(500);
        }
        await node.FillGateAsync(show.Id);
        Assert.True((await node.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        var photos = await node.PhotosAsync(show.Id);
        var reader = node.ThroughVarnish();
        var ms = new List<double>();
        foreach (var photo in photos)
        {
            var url = MediaEndpoints.Url(photo.Id, "w320.jpg");
            await reader.GetAsync(url);
            Assert.Equal("HIT", (await reader.GetAsync(url)).Headers.GetValues("X-Cache").Single());
            var details = $"/studio/photos/{photo.Id}";
            var page = await editor.GetDocumentAsync(details); // the form as the editor has it open; the click is the POST
            var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Reason", "Rights")]);
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.Redirect, (await editor.Http.PostAsync(details + "?handler=takeDown", form)).StatusCode);
            while ((await reader.GetAsync(url)).StatusCode == HttpStatusCode.OK)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"photo {photo.Id} still served from Varnish 5 s after Take down");
                await Task.Delay(5);
            }
            ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        double P(double q) => ms[(int)Math.Min(ms.Count - 1, Math.Ceiling(q * ms.Count) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"PURGE-LATENCY takedowns={ms.Count} p50={P(0.50):0.0}ms p99={P(0.99):0.0}ms min={ms[0]:0.0}ms max={ms[^1]:0.0}ms");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
