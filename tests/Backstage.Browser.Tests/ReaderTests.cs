using Backstage.Web.Articles;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Reader;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

/// <summary>
/// The reader's site in a real browser: accessibility (axe-core) on every kind of public page at phone and desktop
/// widths, the lightbox (keyboard, focus, back button, URL), the no-JavaScript path and the first-screen byte budget.
/// </summary>
public sealed class ReaderTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private sealed record Content(Article Article, Show Show, List<Photo> Photos, List<Show> OtherShows);

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Content? _content;
    private static BrowserFixture? _contentOwner;

    /// <summary>Six shows with published galleries (the first with four photos, the others one) and a live article embedding all six.</summary>
    private async Task<Content> ContentAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_content is not null && ReferenceEquals(_contentOwner, app)) return _content;
            var word = Guid.NewGuid().ToString("N")[..6];
            var shows = new List<Show>();
            foreach (var designer in new[] { "Dior", "Gucci", "Mugler", "Rochas", "Dries Van Noten", "Marine Serre" })
                shows.Add(await app.ShowAsync($"{designer} {word}", $"Backstage at {designer}: hair, make-up and the last minutes before the walk."));
            var photos = await ReaderPhotos.AddPublishedPhotosAsync(app, shows[0], 4);
            foreach (var show in shows.Skip(1)) await ReaderPhotos.AddPublishedPhotosAsync(app, show, 1);
            var body = "Paris closes the fashion month, and backstage is where the week really happens.\n\n" +
                       string.Join("\n\n", shows.Select(s => $"## At {s.Designer}\n\n{s.Description}\n\n::: gallery {s.Slug}"));
            var article = await app.ArticleAsync($"Paris backstage moments {word}", body, "Hairspray, safety pins and nerves of steel.");
            _contentOwner = app;
            return _content = new Content(article, shows[0], photos, shows.Skip(1).ToList());
        }
        finally { Gate.Release(); }
    }

    public static TheoryData<string, int, int> Widths => new() { { "phone", 390, 844 }, { "desktop", 1280, 800 } };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Public_pages_have_no_serious_accessibility_violations(string device, int width, int height)
    {
        var c = await ContentAsync();
        var page = await app.NewPageAsync(options: new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height } });
        var pages = new (string Name, string Url)[]
        {
            ("home", "/"), ("article", $"/articles/{c.Article.Slug}"), ("shows", "/shows"), ("show", $"/shows/{c.Show.Slug}"),
            ("photo", $"/shows/{c.Show.Slug}/photos/{c.Photos[1].Position}"), ("search", "/search?q=backstage"),
        };
        var problems = new List<string>();
        foreach (var (name, url) in pages)
        {
            var response = await page.GotoAsync(url);
            Assert.Equal(200, response!.Status);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await BrowserFixture.ScreenshotAsync(page, $"reader-{name}-{device}");
            var result = await page.RunAxe();
            problems.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{url} [{v.Impact}] {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Sums the page's layout shifts as Lighthouse's CLS counts them (a PerformanceObserver on 'layout-shift', buffered,
    /// entries without recent input), observed from the first byte.
    /// </summary>
    private const string ObserveLayoutShift = """
        window.__layoutShift = 0;
        window.__layoutShifts = [];
        window.__layoutObserver = new PerformanceObserver(list => {
          for (const e of list.getEntries()) {
            if (e.hadRecentInput) continue;
            window.__layoutShift += e.value;
            window.__layoutShifts.push(e.value.toFixed(4) + ' ' + (e.sources || []).map(s => s.node ? (s.node.nodeName + '.' + (s.node.className || '')) : '?').join(','));
          }
        });
        window.__layoutObserver.observe({ type: 'layout-shift', buffered: true });
        """;

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Reader_pages_do_not_shift_while_they_load_and_request_nothing_that_is_missing(string device, int width, int height)
    {
        var c = await ContentAsync();
        var portrait = c.Photos.First(p => p.Height > p.Width);
        var landscape = c.Photos.First(p => p.Width > p.Height);
        var pages = new[]
        {
            "/", $"/articles/{c.Article.Slug}", $"/shows/{c.Show.Slug}",
            $"/shows/{c.Show.Slug}/photos/{portrait.Position}", $"/shows/{c.Show.Slug}/photos/{landscape.Position}",
        };
        var problems = new List<string>();
        foreach (var url in pages)
        {
            // A shift counts when a second first visit shifts too: a layout that moves, moves every time. A photo page on
            // a phone once shifted its footer by 0.0196 in a suite run on a loaded machine, and not on the runs after.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                // A fresh context per page: nothing cached, as a first visit (fonts and images arrive late).
                var page = await app.NewPageAsync(options: new BrowserNewContextOptions { ViewportSize = new() { Width = width, Height = height } });
                var missing = new List<string>();
                page.Response += (_, r) => { if (r.Status == 404) lock (missing) missing.Add(r.Url); };
                page.Console += (_, m) => { if (m.Type == "error") lock (missing) missing.Add("console: " + m.Text); };
                await page.AddInitScriptAsync(ObserveLayoutShift);
                Assert.Equal(200, (await page.GotoAsync(url))!.Status);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                // Down the page in screens, so lazy images load into view, then back to the top.
                var scrollHeight = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
                for (var y = height; y < scrollHeight; y += height)
                {
                    await page.EvaluateAsync("y => window.scrollTo(0, y)", y);
                    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                }
                await page.EvaluateAsync("() => window.scrollTo(0, 0)");
                // decode() of a lazy image that never started loading never settles, and Playwright's evaluate has no
                // timeout of its own: the wait is bounded in the page (a shift still counts, it is read below).
                await page.EvaluateAsync("() => Promise.race([Promise.all([document.fonts.ready, ...[...document.images].map(i => i.decode().catch(() => {}))]), new Promise(r => setTimeout(r, 15000))])");
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var shift = await page.EvaluateAsync<double>("() => { for (const e of window.__layoutObserver.takeRecords()) if (!e.hadRecentInput) window.__layoutShift += e.value; return window.__layoutShift; }");
                var shifts = await page.EvaluateAsync<string[]>("() => window.__layoutShifts");
                if (shift >= 0.01 && attempt == 1) problems.Add($"{url} ({device}): layout shift {shift:0.0000} [{string.Join("; ", shifts)}]");
                // The icon the page links to is there (browsers ask for it whether or not the page names it).
                foreach (var icon in await page.Locator("link[rel~=icon]").EvaluateAllAsync<string[]>("ls => ls.map(l => l.href)"))
                    if ((await page.APIRequest.GetAsync(icon)).Status != 200) missing.Add("icon: " + icon);
                if (await page.Locator("link[rel~=icon]").CountAsync() == 0) missing.Add("no <link rel=icon>");
                if ((await page.APIRequest.GetAsync("/favicon.ico")).Status != 200) missing.Add("/favicon.ico");
                if (attempt == 1 || shift < 0.01) lock (missing) problems.AddRange(missing.Select(m => $"{url} ({device}): {m}"));
                await page.Context.CloseAsync();
                if (shift < 0.01) break;
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Lightbox_follows_the_keyboard_traps_focus_and_keeps_the_url_and_back_button_honest()
    {
        var c = await ContentAsync();
        var page = await app.NewPageAsync(options: new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 } });
        var articleUrl = $"{app.BaseUrl}/articles/{c.Article.Slug}";
        await page.GotoAsync(articleUrl);
        var gallery = page.Locator($".gallery[data-show='{c.Show.Slug}']");
        var first = gallery.Locator("a.photo-link").First;
        await first.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var dialog = page.Locator("dialog.lightbox");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/shows/{c.Show.Slug}/photos/{c.Photos[0].Position}");
        await Expect(dialog.Locator(".lb-count")).ToHaveTextAsync($"Photo 1 of {c.Photos.Count}");
        await Expect(dialog.Locator(".lb-caption")).ToHaveTextAsync(c.Photos[0].Caption!);
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('dialog.lightbox').contains(document.activeElement)"));

        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/shows/{c.Show.Slug}/photos/{c.Photos[1].Position}");
        await Expect(dialog.Locator(".lb-count")).ToHaveTextAsync($"Photo 2 of {c.Photos.Count}");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(dialog.Locator(".lb-count")).ToHaveTextAsync($"Photo 1 of {c.Photos.Count}");
        await page.Keyboard.PressAsync("ArrowRight");

        for (var i = 0; i < 8; i++) // Tab and Shift+Tab never leave the dialog
        {
            await page.Keyboard.PressAsync(i % 3 == 2 ? "Shift+Tab" : "Tab");
            Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('dialog.lightbox').contains(document.activeElement)"), $"focus left the dialog after {i + 1} presses");
        }

        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page).ToHaveURLAsync(articleUrl);
        // Focus returns to the photo the reader was on (the second one), in the page.
        Assert.Equal($"/shows/{c.Show.Slug}/photos/{c.Photos[1].Position}", await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')"));

        // The back button closes the viewer and stays on the story.
        await gallery.Locator("a.photo-link").Nth(2).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/shows/{c.Show.Slug}/photos/{c.Photos[2].Position}");
        await page.GoBackAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page).ToHaveURLAsync(articleUrl);
        // …and forward reopens it on the same photo.
        await page.GoForwardAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator(".lb-count")).ToHaveTextAsync($"Photo 3 of {c.Photos.Count}");

        // The URL in the address bar is a real page: loading it shows that photo on its own page.
        var shared = await app.NewPageAsync();
        await shared.GotoAsync(page.Url);
        await Expect(shared.Locator("h1")).ToHaveTextAsync(c.Photos[2].Caption!);
        await BrowserFixture.ScreenshotAsync(page, "reader-lightbox-phone");
    }

    [Fact]
    public async Task Lightbox_moves_with_a_swipe()
    {
        var c = await ContentAsync();
        var page = await app.NewPageAsync(options: new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true });
        await page.GotoAsync($"/shows/{c.Show.Slug}");
        await page.Locator("a.photo-link").First.ClickAsync();
        var stage = page.Locator("dialog.lightbox .lb-stage");
        await Expect(stage).ToBeVisibleAsync();
        var box = (await stage.BoundingBoxAsync())!;
        var y = box.Y + box.Height / 2;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await Expect(page.Locator("dialog.lightbox .lb-count")).ToHaveTextAsync($"Photo 2 of {c.Photos.Count}");
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/shows/{c.Show.Slug}/photos/{c.Photos[1].Position}");
    }

    [Fact]
    public async Task Without_javascript_every_page_and_photo_is_reachable_by_links()
    {
        var c = await ContentAsync();
        var page = await app.NewPageAsync(options: new BrowserNewContextOptions { JavaScriptEnabled = false, ViewportSize = new() { Width = 390, Height = 844 } });

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = c.Article.Title }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(c.Article.Title);

        // A gallery photo is a link to its own page; from there, next/previous walk the whole gallery.
        await page.Locator($".gallery[data-show='{c.Show.Slug}'] a.photo-link").First.ClickAsync();
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/shows/{c.Show.Slug}/photos/{c.Photos[0].Position}");
        Assert.Equal(0, await page.Locator("dialog.lightbox").CountAsync());
        foreach (var photo in c.Photos.Skip(1))
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Next photo" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync(photo.Caption!);
            await Expect(page.Locator("figcaption .credit")).ToHaveTextAsync("Photo: Camille Martin / Backstage Pictures");
        }
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next photo" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Previous photo" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(c.Photos[^2].Caption!);
        await page.Locator(".photo-appears").GetByRole(AriaRole.Link, new() { Name = c.Article.Title }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{app.BaseUrl}/articles/{c.Article.Slug}");

        // Shows index → show → back to the gallery from a photo.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Shows" }).ClickAsync();
        await page.Locator($"a[href='/shows/{c.OtherShows[0].Slug}']").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"At {c.OtherShows[0].Designer}");
        await page.Locator("a.photo-link").Last.ClickAsync();
        await page.Locator(".photo-crumbs a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/shows/{c.OtherShows[0].Slug}#photo-\\d+$"));

        // Search is a plain GET form.
        await page.GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await page.GetByLabel("Stories, shows, designers, captions").FillAsync(c.Show.Designer.ToUpperInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator($".search-results a[href='/shows/{c.Show.Slug}']")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "reader-search-nojs-phone");
    }

    [Fact]
    public async Task Article_with_six_galleries_stays_under_the_byte_budget_on_a_phone_before_scrolling()
    {
        var c = await ContentAsync();
        var page = await app.NewPageAsync(options: new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, DeviceScaleFactor = 3 });
        long bytes = 0;
        var sizes = new List<Task>();
        page.RequestFinished += (_, request) => sizes.Add(Task.Run(async () =>
        {
            var s = await request.SizesAsync();
            Interlocked.Add(ref bytes, s.ResponseBodySize + s.ResponseHeadersSize);
        }));
        await page.GotoAsync($"/articles/{c.Article.Slug}");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.WhenAll(sizes.ToArray());

        Assert.Equal(6, await page.Locator(".gallery").CountAsync());
        // The first photo is fetched eagerly with high priority (the page's largest paint); the rest wait for scrolling.
        var first = page.Locator(".gallery img").First;
        Assert.Equal("high", await first.GetAttributeAsync("fetchpriority"));
        Assert.Equal("lazy", await page.Locator(".gallery img").Nth(3).GetAttributeAsync("loading"));
        Assert.True(bytes < 1_500_000, $"{bytes:N0} bytes before scrolling");
        Assert.True(bytes > 0);
    }
}
