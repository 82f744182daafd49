using Backstage.Media;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Cluster;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

/// <summary>Two app nodes on one database and bucket (<see cref="TwoNodes"/>: A serves only, B renders) and Chromium.</summary>
public class LiveNodes : IAsyncLifetime
{
    // xunit builds a fixture through its one public constructor; a fixture with other settings derives from this one.
    public LiveNodes() : this(null) { }

    protected LiveNodes(IReadOnlyDictionary<string, string>? settings) => Nodes = new TwoNodes { Settings = settings };

    public TwoNodes Nodes { get; }
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Nodes.InitializeAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(Playwright);
    }

    public static string BaseUrl(NodeFactory node) =>
        node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>A reader's page (own context, no sign-in) on <paramref name="node"/>.</summary>
    public async Task<IPage> ReaderPageAsync(NodeFactory node, int width, int height, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl(node), ViewportSize = new() { Width = width, Height = height }, JavaScriptEnabled = javaScript,
        });
        context.SetDefaultTimeout(90_000); // waits for the shared machine; the live deadlines below are set on each wait
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    private NodeFactory A => Nodes.A;

    /// <summary>
    /// A live show in live coverage with <paramref name="count"/> photos at positions 1…count, uploaded on A, rendered
    /// by B's workers, with alt text, credit and rights (so they pass the publishing gate), none published yet.
    /// </summary>
    public async Task<(Show Show, int[] Photos)> CoveredShowAsync(int count)
    {
        var show = new Show
        {
            Designer = "Schiaparelli", Season = "Spring/Summer 2026", City = "Paris", Date = new DateOnly(2026, 1, 26),
            Slug = "schiaparelli-live-" + Guid.NewGuid().ToString("N")[..6], Status = ShowStatus.Published,
            PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1), Description = "The couture show, photo by photo from backstage as it happens.",
        };
        await A.WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        var started = await A.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(show.Id, true, Actor.System, default));
        Assert.True(started.Ok, started.Message);

        var dir = Directory.CreateTempSubdirectory("live-photos-").FullName;
        var ids = new List<int>();
        try
        {
            for (var i = 1; i <= count; i++)
            {
                var file = Path.Combine(dir, $"look-{i}.jpg");
                var (w, h) = i is 5 or 7 ? (640, 960) : (960, 640); // the first photo on screen is landscape: its end is in view on a phone
                DemoImages.WriteJpeg(file, seed: show.Id * 100 + i, w, h);
                var added = await A.WithScopeAsync(async sp =>
                {
                    await using var stream = File.OpenRead(file);
                    return await sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"look-{i}.jpg", stream, default);
                });
                Assert.True(added.Ok, added.Message);
                ids.Add(added.PhotoId!.Value);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }

        for (var attempt = 0; ; attempt++) // A has no workers: B renders, woken by NOTIFY
        {
            var statuses = await A.WithDbAsync(db => db.Set<Photo>().Where(p => ids.Contains(p.Id)).Select(p => p.Status).ToListAsync());
            Assert.DoesNotContain(PhotoStatus.Failed, statuses);
            if (statuses.All(s => s == PhotoStatus.Ready)) break;
            if (attempt > 600 + 100 * count) throw new TimeoutException($"the photos were not rendered within {(600 + 100 * count) / 5} s");
            await Task.Delay(200);
        }
        return (show, await A.WithDbAsync(async db =>
        {
            var photos = await db.Set<Photo>().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Position).ToListAsync();
            foreach (var (p, i) in photos.Select((p, i) => (p, i + 1)))
            {
                p.AltText = $"Look {i} backstage at Schiaparelli: a model having her hair set";
                p.Caption = $"Look {i}, minutes before the walk.";
                (p.Credit, p.RightsCategory) = ("Camille Martin", RightsCategory.Staff);
            }
            await db.SaveChangesAsync();
            return photos.Select(p => p.Id).ToArray();
        }));
    }

    public Task PublishOnAAsync(Show show, params int[] ids) => A.WithScopeAsync(async sp =>
    {
        var r = await sp.GetRequiredService<GalleryEditor>().PublishAsync(show.Id, ids, Actor.System, default);
        Assert.True(r.Ok, r.Message + " " + string.Join("; ", r.Problems));
        return 0;
    });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { });
        Playwright.Dispose();
        await Nodes.DisposeAsync();
    }
}

/// <summary>
/// Live coverage across two nodes in a real browser (issue 18, "Live coverage"): a reader's page served by node B
/// follows what the desk does on node A — through A's services, whose commit evicts the public pages and sends the
/// NOTIFY that B's live feed hears (both nodes' polling is ten minutes, so nothing here arrives by polling).
/// </summary>
public sealed class LiveTests(LiveNodes live) : IClassFixture<LiveNodes>
{
    /// <summary>The promise: a photo published on any node is on every reader's page within 5 s.</summary>
    private const float Promise = 5_000;

    private NodeFactory A => live.Nodes.A;
    private NodeFactory B => live.Nodes.B;

    private const string ShownIds = "() => Array.from(document.querySelectorAll('figure.gallery-photo')).map(f => f.id).join(',')";

    private static string Ids(params int[] photos) => string.Join(',', photos.Select(id => $"photo-{id}"));

    /// <summary>Waits (at most <paramref name="timeout"/> ms) until the page's gallery shows exactly these photos in this order.</summary>
    private static async Task ExpectGalleryAsync(IPage page, int[] photos, float timeout, string what)
    {
        var want = Ids(photos);
        try
        {
            await page.WaitForFunctionAsync($"want => ({ShownIds})() === want", want, new() { Timeout = timeout, PollingInterval = 50 });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("() => `stream: ${document.querySelector('.live-show')?.dataset.liveState}, button: ${document.querySelector('.live-new')?.hidden ? 'hidden' : document.querySelector('.live-new')?.textContent}`");
            Assert.Fail($"{what}: within {timeout / 1000} s the page did not show [{want}] but [{await page.EvaluateAsync<string>(ShownIds)}] ({state})");
        }
    }

    [Fact]
    public async Task A_readers_page_on_node_B_follows_what_the_desk_does_on_node_A()
    {
        var (show, p) = await live.CoveredShowAsync(8);
        await live.PublishOnAAsync(show, p[2], p[4], p[5], p[6], p[7]);

        var reader = await live.ReaderPageAsync(B, 390, 844);
        await reader.GotoAsync($"/shows/{show.Slug}");
        await ExpectGalleryAsync(reader, [p[2], p[4], p[5], p[6], p[7]], 90_000, "the first load");
        await Expect(reader.Locator(".live-show")).ToHaveAttributeAsync("data-live-state", "stream", new() { Timeout = 90_000 }); // B's stream is open

        // Published on A between two photos on screen: it appears in its place, without a reload.
        var requests = 0;
        reader.Request += (_, r) => { if (r.IsNavigationRequest) requests++; };
        await live.PublishOnAAsync(show, p[3]);
        await ExpectGalleryAsync(reader, [p[2], p[3], p[4], p[5], p[6], p[7]], Promise, "a photo published on A");
        await Expect(reader.Locator(".live-new")).ToBeHiddenAsync();
        // The README's picture: every lazy image loaded (scrolled past once), then back at the top.
        await reader.EvaluateAsync("() => window.scrollTo(0, document.body.scrollHeight)");
        await reader.WaitForFunctionAsync("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)");
        await reader.EvaluateAsync("() => window.scrollTo(0, 0)");
        await BrowserFixture.ScreenshotAsync(reader, "live-show-phone");

        // Unpublished and taken down on A: gone from B's page.
        await A.WithScopeAsync(async sp =>
        {
            var r = await sp.GetRequiredService<GalleryEditor>().UnpublishAsync(show.Id, [p[5]], Actor.System, default);
            Assert.True(r.Ok, r.Message);
            return 0;
        });
        await ExpectGalleryAsync(reader, [p[2], p[3], p[4], p[6], p[7]], Promise, "a photo unpublished on A");
        await A.WithScopeAsync(sp => sp.GetRequiredService<Takedown>().TakeDownAsync(show.Id, [p[4]], TakedownReason.Rights, null, Actor.System, default));
        await ExpectGalleryAsync(reader, [p[2], p[3], p[6], p[7]], Promise, "a photo taken down on A");

        // The reader scrolls down to the last photo; two photos are published at the top, out of sight: a button
        // says so, and nothing on screen moves until the reader presses it.
        var last = reader.Locator($"#photo-{p[7]}");
        await last.ScrollIntoViewIfNeededAsync();
        const string Position = $"id => [window.scrollY, document.getElementById(id).getBoundingClientRect().top]";
        var before = await reader.EvaluateAsync<double[]>(Position, $"photo-{p[7]}");
        Assert.True(await reader.EvaluateAsync<bool>("() => document.querySelector('.gallery').getBoundingClientRect().top < 0"), "the reader has scrolled past the top of the gallery");
        await live.PublishOnAAsync(show, p[0], p[1]);
        var button = reader.GetByRole(AriaRole.Button, new() { Name = "2 new photos — show" });
        await Expect(button).ToBeVisibleAsync(new() { Timeout = Promise });
        Assert.Equal(before, await reader.EvaluateAsync<double[]>(Position, $"photo-{p[7]}"));
        Assert.Equal(Ids(p[2], p[3], p[6], p[7]), await reader.EvaluateAsync<string>(ShownIds)); // held back, not shown yet
        await Task.Delay(1000); // not a wait for anything: the page must still not have moved a moment later
        Assert.Equal(before, await reader.EvaluateAsync<double[]>(Position, $"photo-{p[7]}"));

        await button.ClickAsync();
        await ExpectGalleryAsync(reader, [p[0], p[1], p[2], p[3], p[6], p[7]], Promise, "the held photos after pressing the button");
        await Expect(reader.Locator(".live-new")).ToBeHiddenAsync();
        await Expect(reader.Locator($"#photo-{p[0]}")).ToBeInViewportAsync();
        Assert.Equal(0, requests); // every change came without a reload

        // Without JavaScript, a reload (on either node) shows the same gallery.
        foreach (var node in new[] { B, A })
        {
            var plain = await live.ReaderPageAsync(node, 390, 844, javaScript: false);
            await plain.GotoAsync($"/shows/{show.Slug}");
            var figures = await plain.Locator("figure.gallery-photo").AllAsync();
            var ids = new List<string>();
            foreach (var f in figures) ids.Add(await f.GetAttributeAsync("id") ?? "");
            Assert.Equal(await reader.EvaluateAsync<string>(ShownIds), string.Join(',', ids));
            await plain.Context.CloseAsync();
        }
    }
}
