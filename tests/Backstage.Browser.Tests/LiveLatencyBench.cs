using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Backstage.Browser.Tests;

/// <summary>
/// Live latency (bench/live/run.sh, docs/benchmarks.md): a reader's Chromium page on node B, a show in live coverage,
/// and BACKSTAGE_BENCH_PUBLISHES photos (3 by default in the normal suite, 50 for the figures) published one by one on
/// node A through the desk's publishing service. Each is timed from just before the publish call to the moment the
/// page's own MutationObserver sees its figure inserted (both clocks are this machine's wall clock). The photos are
/// published last-first, each taking the gallery's first place, and the reader is at the top, so each arrives in view
/// (none waits behind the "new photos" button). Prints p50/p99; the only assertion is the 5 s promise.
/// </summary>
public sealed class LiveLatencyBench(LiveNodes live, ITestOutputHelper output) : IClassFixture<LiveNodes>
{
    private const string Observe = """
        () => {
          window.__arrived = {};
          new MutationObserver(() => {
            for (const f of document.querySelectorAll('figure.gallery-photo'))
              if (!(f.id in window.__arrived)) window.__arrived[f.id] = Date.now();
          }).observe(document.body, { childList: true, subtree: true });
        }
        """;

    [Fact]
    public async Task Live_latency_from_a_publish_on_A_to_the_photo_on_a_readers_page_on_B()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_PUBLISHES"), out var v) && v > 0 ? v : 3;
        var (show, photos) = await live.CoveredShowAsync(n);
        var reader = await live.ReaderPageAsync(live.Nodes.B, 390, 844);
        await reader.GotoAsync($"/shows/{show.Slug}");
        await Assertions.Expect(reader.Locator(".live-show")).ToHaveAttributeAsync("data-live-state", "stream", new() { Timeout = 90_000 });
        await reader.EvaluateAsync(Observe);

        var ms = new List<double>();
        foreach (var id in Enumerable.Reverse(photos))
        {
            await reader.EvaluateAsync("() => window.scrollTo(0, 0)");
            var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await live.PublishOnAAsync(show, id);
            try
            {
                await reader.WaitForFunctionAsync("id => id in window.__arrived", $"photo-{id}", new() { Timeout = 5_000, PollingInterval = 20 });
            }
            catch (TimeoutException)
            {
                Assert.Fail($"photo {id} was not on B's page 5 s after its publish on A");
            }
            ms.Add(await reader.EvaluateAsync<double>("id => window.__arrived[id]", $"photo-{id}") - start);
        }
        ms.Sort();
        double P(double q) => ms[(int)Math.Min(ms.Count - 1, Math.Ceiling(q * ms.Count) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"LIVE-LATENCY publishes={ms.Count} p50={P(0.50):0}ms p99={P(0.99):0}ms min={ms[0]:0}ms max={ms[^1]:0}ms");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
