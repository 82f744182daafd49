using System.Diagnostics;
using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Backstage.Browser.Tests;

/// <summary>
/// Runway to reader (issue 18; bench/runway/run.sh, docs/benchmarks.md). An editor in Chromium, keyboard only, takes a
/// show from the camera card to the readers: the desk's code-replacement file imported, the photos uploaded over the
/// resumable path on node A (node B renders), the credit and a caption made of codes applied with one template to the
/// whole sheet, each photo's alt text typed and saved with Ctrl+Enter, everything published with Ctrl+A, P — while a
/// reader's Chromium has the show's live page open on node B. Every key press and click goes through
/// <see cref="KeyboardDesk"/>, which counts it; a field is reached by pressing Tab (or Shift+Tab) until the focus lands
/// on it, the same way on every page.
///
/// In the normal suite it runs on BACKSTAGE_BENCH_RUNWAY_COUNT small photos (4 by default) and checks the outcome: each
/// photo has its own alt text, the expanded caption and the credit, is published, and is on the reader's page on B.
/// bench/runway/run.sh sets BACKSTAGE_BENCH_RUNWAY_PHOTOS (a directory of 24 MP JPEGs) and BACKSTAGE_BENCH_OLD_URL,
/// BACKSTAGE_BENCH_OLD_SHOW_ID and BACKSTAGE_BENCH_OLD_SHOW_SLUG (the one-form gallery editor of 7e5cd9b, running as its
/// own process), and the same desk work is then done through the old form too, in the same run.
/// </summary>
public sealed class RunwayBench(RunwayBench.RunwayNodes live, ITestOutputHelper output) : IClassFixture<RunwayBench.RunwayNodes>
{
    /// <summary>With the bench's 24 MP photos, the nodes take production's media settings (the tests' are small and quick).</summary>
    public sealed class RunwayNodes() : LiveNodes(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_RUNWAY_PHOTOS") is { Length: > 0 } ? Production : null);

    /// <summary>The defaults of Backstage.Media's MediaOptions, over the test factories' small limits and few widths.</summary>
    private static readonly Dictionary<string, string> Production = new()
    {
        ["Backstage:Media:MaxFileBytes"] = (60L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), ["Backstage:Media:MaxFilesPerUpload"] = "20",
        ["Backstage:Media:Widths:0"] = "320", ["Backstage:Media:Widths:1"] = "640", ["Backstage:Media:Widths:2"] = "960",
        ["Backstage:Media:Widths:3"] = "1280", ["Backstage:Media:Widths:4"] = "1920", ["Backstage:Media:Widths:5"] = "2560",
        ["Backstage:Media:AvifWidths:0"] = "320", ["Backstage:Media:AvifWidths:1"] = "640", ["Backstage:Media:AvifWidths:2"] = "960",
        ["Backstage:Media:AvifWidths:3"] = "1280", ["Backstage:Media:AvifWidths:4"] = "1920", ["Backstage:Media:ReadyMaxWidth"] = "1280",
    };

    private const string Credit = "Camille Martin";
    private const string CreditTemplate = "=cm=";
    private const string Designer = "Schiaparelli";
    private const string CaptionTemplate = "=l{n}=, backstage at =sch= with =drb=.";
    private static string Caption(int n) => $"Look {n}, backstage at Schiaparelli with Daniel Roseberry.";
    private static string Alt(int n) => $"Look {n}: a model at the make-up mirror, hair pinned up, before the walk";

    /// <summary>The desk's own Photo Mechanic code-replacement file: a code per look, the house and its designer.</summary>
    private static string CodesFile(int looks) =>
        string.Join("\n", Enumerable.Range(1, looks).Select(i => $"l{i}\tLook {i}").Append("sch\tSchiaparelli").Append("drb\tDaniel Roseberry").Append($"cm\t{Credit}")) + "\n";

    /// <summary>What a reader's page records: when the Nth photo's figure was first in the page (ms since the epoch).</summary>
    private const string CountArrivals = """
        () => {
          window.__arrivals = [];
          const seen = new Set();
          const look = () => {
            for (const f of document.querySelectorAll('figure.gallery-photo'))
              if (!seen.has(f.id)) { seen.add(f.id); window.__arrivals.push(Date.now()); }
          };
          look();
          new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
        }
        """;

    [Fact]
    public async Task An_editor_takes_a_show_from_the_card_to_a_readers_live_page_with_the_keyboard_only()
    {
        var (dir, files, generated) = Photos();
        try
        {
            var n = files.Length;
            var newUi = await NewDeskAsync(files);
            Report("new", n, newUi);
            if (Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_OLD_URL") is { Length: > 0 } oldUrl)
                Report("old", n, await OldDeskAsync(oldUrl, files));
        }
        finally
        {
            if (generated) Directory.Delete(dir, recursive: true);
        }
    }

    private static (string Dir, string[] Files, bool Generated) Photos()
    {
        var dir = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_RUNWAY_PHOTOS");
        var count = int.TryParse(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_RUNWAY_COUNT"), out var c) && c > 0 ? c : string.IsNullOrEmpty(dir) ? 4 : 60;
        if (string.IsNullOrEmpty(dir))
        {
            var (d, f) = BrowserFixture.WriteJpegs("RUNWAY", count, seed: 1800);
            return (d, f, true);
        }
        var files = Directory.GetFiles(dir, "*.jpg").Order(StringComparer.Ordinal).Take(count).ToArray();
        Assert.True(files.Length == count, $"{dir} has {files.Length} JPEGs, not {count}");
        return (dir, files, false);
    }

    private sealed record Run(KeyboardDesk.Counts Setup, KeyboardDesk.Counts Upload, KeyboardDesk.Counts Desk, double UploadedS, double ReadyS,
        double DeskS, double ReaderS);

    private void Report(string ui, int n, Run r)
    {
        var all = r.Setup + r.Upload + r.Desk;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"RUNWAY ui={ui} photos={n} actions_per_photo_beyond_alt={(double)all.BeyondAlt / n:0.00} alt_keys={all.AltKeys} " +
            $"typed_keys={all.TypedKeys} nav_keys={all.NavKeys} command_keys={all.CommandKeys} clicks={all.Clicks} " +
            $"setup={r.Setup} upload={r.Upload} desk={r.Desk} " +
            $"uploaded_s={r.UploadedS:0.0} all_ready_s={r.ReadyS:0.0} desk_s={r.DeskS:0.0} last_photo_on_reader_s={r.ReaderS:0.0}");
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private async Task<IPage> EditorPageAsync(string baseUrl, string email, string password)
    {
        var context = await live.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(300_000); // 24 MP uploads and renders on a shared two-core machine: waits, not promises
        context.SetDefaultNavigationTimeout(300_000);
        Assertions.SetDefaultExpectTimeout(90_000); // a save on a loaded machine: a wait, not a promise
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, password);
        return page;
    }

    /// <summary>The contact sheet: codes imported, upload, one template, alt text photo by photo, Ctrl+A, P.</summary>
    private async Task<Run> NewDeskAsync(string[] files)
    {
        var n = files.Length;
        var (show, _) = await live.CoveredShowAsync(0);
        Assert.Equal(Designer, show.Designer);
        var reader = await live.ReaderPageAsync(live.Nodes.B, 390, 844);
        await reader.GotoAsync($"/shows/{show.Slug}");
        await Expect(reader.Locator(".live-show")).ToHaveAttributeAsync("data-live-state", "stream", new() { Timeout = 90_000 });
        await reader.EvaluateAsync(CountArrivals);

        var page = await EditorPageAsync(LiveNodes.BaseUrl(live.Nodes.A), await live.Nodes.A.CreateUserAsync(Roles.Editor), BackstageFactory.Password);
        var desk = new KeyboardDesk(page) { Log = output.WriteLine };
        var codes = Path.Combine(Path.GetTempPath(), $"runway-codes-{show.Id}.txt");
        await File.WriteAllTextAsync(codes, CodesFile(n));
        try
        {
            // Set-up before the show: the desk's code-replacement file, imported into this show's table.
            await page.GotoAsync($"/studio/shows/{show.Id}/gallery");
            desk.Navigated();
            await desk.FollowAsync(page.GetByRole(AriaRole.Link, new() { Name = "Code replacements" }));
            await desk.ChooseFilesAsync(page.GetByLabel("Photo Mechanic file"), codes);
            await desk.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Import" }), "Enter", navigates: true);
            await Expect(page.Locator("table")).ToContainTextAsync("Daniel Roseberry");
            await desk.FollowAsync(page.GetByRole(AriaRole.Link, new() { Name = "Back to the contact sheet" }));
            var setup = desk.Take();

            var (clock, firstByte, uploaded, upload) = await UploadAsync(desk, page, files);

            var deskClock = Stopwatch.StartNew();
            var cells = page.Locator("#sheet-grid .sheet-cell");
            await Expect(page.Locator("#sheet-grid")).ToHaveAttributeAsync("data-loaded", "all");
            await Expect(cells).ToHaveCountAsync(n);
            // One template for the whole sheet: the credit, and a caption made of codes ({n} is each photo's position).
            await desk.FocusAsync(cells.First.Locator(".sheet-thumb"));
            await desk.KeyAsync("Control+a");
            await Expect(page.Locator("#sheet-count")).ToHaveTextAsync($"{n} selected.");
            await desk.PressAsync(page.Locator("details.template > summary"), "Enter");
            await desk.TypeIntoAsync(page.Locator("#Template_Caption"), CaptionTemplate);
            await desk.TypeIntoAsync(page.Locator("#Template_Credit"), CreditTemplate);
            await desk.KeyAsyncNavigating("Enter"); // Enter in a template field applies the template
            await Expect(page.Locator(".flash")).ToContainTextAsync($"Applied the template: filled {2 * n} empty field(s)");
            await Expect(page.Locator("#sheet-grid")).ToHaveAttributeAsync("data-loaded", "all");

            // The alt text, photo by photo: Enter on the first, then type and Ctrl+Enter (save, next photo's alt text).
            await desk.PressAsync(cells.First.Locator(".sheet-thumb"), "Enter");
            for (var i = 1; i <= n; i++)
            {
                await Expect(page.Locator("#inspector-alt")).ToBeFocusedAsync();
                await Expect(page.Locator("#inspector .inspector-what")).ToHaveTextAsync($"Photo {i}");
                await desk.TypeAltAsync(Alt(i));
                await desk.KeyAsync("Control+Enter");
                await Expect(page.Locator("#inspector-status")).ToContainTextAsync($"Saved photo {i}");
            }
            // The sheet's badges say which photos still render; the editor publishes once none does (one P).
            var ready = await WaitReadyAsync(show.Id, n, clock);
            if (await page.EvaluateAsync<bool>("() => !!document.activeElement.closest('#inspector')")) await desk.KeyAsync("Escape"); // back to the grid
            await desk.KeyAsync("Control+a");
            await desk.KeyAsync("p");
            await Expect(page.Locator("#inspector-status")).ToContainTextAsync($"Published {n} photo");
            var deskTime = deskClock.Elapsed.TotalSeconds;
            var work = desk.Take();

            await reader.WaitForFunctionAsync("n => window.__arrivals.length >= n", n, new() { Timeout = 60_000, PollingInterval = 50 });
            var last = await reader.EvaluateAsync<double>("n => window.__arrivals[n - 1]", n);

            // What the reader got: every photo, in gallery order, with the desk's words.
            var photos = await live.Nodes.A.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync());
            Assert.Equal(n, photos.Count);
            foreach (var (p, i) in photos.Select((p, i) => (p, i + 1)))
            {
                Assert.Equal(Alt(i), p.AltText);
                Assert.Equal(Caption(i), p.Caption);
                Assert.Equal(Credit, p.Credit);
                Assert.NotNull(p.PublishedAt);
            }
            Assert.Equal(photos.Select(p => $"photo-{p.Id}"), await reader.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('figure.gallery-photo')).map(f => f.id)"));
            return new Run(setup, upload, work, uploaded, ready, deskTime, (last - firstByte) / 1000);
        }
        finally { File.Delete(codes); }
    }

    /// <summary>
    /// The card, the same on both desks: from the sheet to the upload page, every photo over the resumable protocol,
    /// and back to the sheet. The clock starts at the first byte (the Upload key); also returns that moment (ms since
    /// the epoch, for the reader's page), the seconds until every file was done, and the actions counted.
    /// </summary>
    private static async Task<(Stopwatch Clock, long FirstByte, double UploadedS, KeyboardDesk.Counts Actions)> UploadAsync(KeyboardDesk desk, IPage page, string[] files)
    {
        await desk.FollowAsync(page.GetByRole(AriaRole.Link, new() { Name = "Upload a show (ZIP, folder, resumable)" }));
        await desk.ChooseFilesAsync(page.Locator("#ingest-files"), files);
        var clock = Stopwatch.StartNew();
        var firstByte = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await desk.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }), "Enter");
        await UploadedAsync(page, files.Length);
        var uploaded = clock.Elapsed.TotalSeconds;
        await desk.FollowAsync(page.GetByRole(AriaRole.Link, new() { Name = "Back to the gallery" }));
        return (clock, firstByte, uploaded, desk.Take());
    }

    /// <summary>Until the upload page says every file is done; a failed file ends the run with what the page says.</summary>
    private static async Task UploadedAsync(IPage page, int n)
    {
        var overall = page.Locator("#ingest-overall-text");
        var clock = Stopwatch.StartNew();
        while (!(await overall.TextContentAsync() ?? "").Contains($"{n} of {n} files done", StringComparison.Ordinal))
        {
            if ((await overall.TextContentAsync() ?? "").Contains("failed", StringComparison.Ordinal) || clock.Elapsed > TimeSpan.FromMinutes(30))
                Assert.Fail($"the upload did not finish: “{await overall.TextContentAsync()}”; " + string.Join(" | ", await page.Locator("#ingest-progress li").AllTextContentsAsync()));
            await Task.Delay(250);
        }
    }

    private async Task<double> WaitReadyAsync(int showId, int n, Stopwatch clock)
    {
        while (true)
        {
            var statuses = await live.Nodes.A.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == showId).Select(p => p.Status).ToListAsync());
            Assert.DoesNotContain(PhotoStatus.Failed, statuses);
            if (statuses.Count == n && statuses.All(s => s == PhotoStatus.Ready)) return clock.Elapsed.TotalSeconds;
            if (clock.Elapsed > TimeSpan.FromMinutes(30)) Assert.Fail($"the {n} photos were not Ready after 30 minutes");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The same work through the one-form gallery editor of 7e5cd9b (its own process and database): upload the same
    /// way, then in every card the alt text, the caption typed out (no codes) and the credit, and "Publish all ready"
    /// (which saves the form first) once every photo is rendered. A reader reloads the show page every 2 s (no live page).
    /// </summary>
    private async Task<Run> OldDeskAsync(string baseUrl, string[] files)
    {
        var n = files.Length;
        var showId = int.Parse(Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_OLD_SHOW_ID")!, CultureInfo.InvariantCulture);
        var slug = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_OLD_SHOW_SLUG")!;
        var page = await EditorPageAsync(baseUrl, "editor@backstage.test", "Backstage-demo-2025");
        var desk = new KeyboardDesk(page) { Log = output.WriteLine };
        await page.GotoAsync($"/studio/shows/{showId}/gallery");
        desk.Navigated();
        var setup = desk.Take();

        var (clock, _, uploaded, upload) = await UploadAsync(desk, page, files);

        var deskClock = Stopwatch.StartNew();
        await Expect(page.Locator(".photo-card")).ToHaveCountAsync(n);
        for (var i = 0; i < n; i++)
        {
            await desk.TypeAltIntoAsync(page.Locator($"textarea[name='Items[{i}].AltText']"), Alt(i + 1));
            await desk.TypeIntoAsync(page.Locator($"textarea[name='Items[{i}].Caption']"), Caption(i + 1));
            await desk.TypeIntoAsync(page.Locator($"input[name='Items[{i}].Credit']"), Credit);
        }
        // The old page does not refresh its "Processing" badges, and reloading it would lose what was typed: the editor
        // waits (the test watches for it through the old app's own pages: the public show once published).
        var ready = await OldReadyAsync(baseUrl, showId, n, clock);
        await desk.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Publish all ready" }), "Enter", navigates: true);
        await Expect(page.Locator(".flash")).ToContainTextAsync($"Published {n} photo");
        var deskTime = deskClock.Elapsed.TotalSeconds;
        var work = desk.Take();

        var context = await live.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var reader = await context.NewPageAsync();
        double readerS;
        while (true)
        {
            await reader.GotoAsync($"/shows/{slug}");
            if (await reader.Locator("figure.gallery-photo").CountAsync() >= n) { readerS = clock.Elapsed.TotalSeconds; break; }
            if (clock.Elapsed > TimeSpan.FromMinutes(40)) Assert.Fail("the old app's show page never showed every photo");
            await Task.Delay(2000);
        }
        return new Run(setup, upload, work, uploaded, ready, deskTime, readerS);
    }

    /// <summary>Until the old app's studio lists every photo of the show as Ready (a second signed-in page, reloaded).</summary>
    private async Task<double> OldReadyAsync(string baseUrl, int showId, int n, Stopwatch clock)
    {
        var watcher = await EditorPageAsync(baseUrl, "editor@backstage.test", "Backstage-demo-2025");
        while (true)
        {
            await watcher.GotoAsync($"/studio/shows/{showId}/gallery");
            if (await watcher.Locator(".photo-card .status-ready", new() { HasTextString = "Ready" }).CountAsync() >= n) break;
            if (await watcher.Locator(".photo-card .status-failed", new() { HasTextString = "Failed" }).CountAsync() > 0) Assert.Fail("a photo failed to render on the old app");
            if (clock.Elapsed > TimeSpan.FromMinutes(30)) Assert.Fail($"the old app's {n} photos were not Ready after 30 minutes");
            await Task.Delay(1000);
        }
        await watcher.Context.CloseAsync();
        return clock.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// An editor's keyboard, counted: every key press and click the scripted editor makes goes through here. Reaching a
/// control means pressing Tab (Shift+Tab when it is above the focus) until the focus is on it.
/// </summary>
public sealed class KeyboardDesk(IPage page)
{
    public readonly record struct Counts(int AltKeys, int TypedKeys, int NavKeys, int CommandKeys, int Clicks)
    {
        public int BeyondAlt => TypedKeys + NavKeys + CommandKeys + Clicks;
        public static Counts operator +(Counts a, Counts b) =>
            new(a.AltKeys + b.AltKeys, a.TypedKeys + b.TypedKeys, a.NavKeys + b.NavKeys, a.CommandKeys + b.CommandKeys, a.Clicks + b.Clicks);
        public override string ToString() => $"{TypedKeys}t+{NavKeys}n+{CommandKeys}c+{Clicks}k";
    }

    private Counts counts;

    /// <summary>Where the Tabs go (the bench's detailed output).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The counts since the last call.</summary>
    public Counts Take()
    {
        var c = counts;
        counts = default;
        return c;
    }

    /// <summary>A page opened from a bookmark or the address bar: one action.</summary>
    public void Navigated() => counts = counts with { CommandKeys = counts.CommandKeys + 1 };

    // 0: the focus is on the target; 1: Tab; -1: Shift+Tab; 2: the focus is at the top of the page (nothing focused, or
    // the header) and the target is in the main content: take the "Skip to content" link first, as keyboard users do.
    private const string Where = """
        t => {
          const a = document.activeElement;
          if (a === t) return 0;
          const main = document.getElementById('main'), skip = document.querySelector('a.skip-link');
          const atTop = !a || a === document.body || (main && !main.contains(a) && (main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING));
          if (atTop && main && main.contains(t) && skip && a !== skip) return 2;
          if (!a || a === document.body) return 1;
          return (t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1;
        }
        """;

    public async Task FocusAsync(ILocator target)
    {
        var handle = await target.ElementHandleAsync();
        for (var presses = 0; ; presses++)
        {
            var direction = await page.EvaluateAsync<int>(Where, handle);
            if (direction == 0)
            {
                Log?.Invoke($"  {presses} Tab(s) to {target}");
                return;
            }
            if (presses > 5000) throw new InvalidOperationException($"5000 Tabs did not reach {target}");
            if (direction == 2)
            {
                await page.Keyboard.PressAsync("Tab"); // the skip link is the page's first stop
                counts = counts with { NavKeys = counts.NavKeys + 1 };
                if (await page.EvaluateAsync<bool>("() => document.activeElement.matches('a.skip-link')")) await KeyAsync("Enter");
                continue;
            }
            await page.Keyboard.PressAsync(direction > 0 ? "Tab" : "Shift+Tab");
            counts = counts with { NavKeys = counts.NavKeys + 1 };
        }
    }

    public async Task KeyAsync(string key)
    {
        await page.Keyboard.PressAsync(key);
        counts = counts with { CommandKeys = counts.CommandKeys + 1 };
    }

    /// <summary>Presses a key that makes the page navigate, and waits for the page it lands on.</summary>
    public async Task KeyAsyncNavigating(string key)
    {
        // The first navigation answer that is not a redirect (a POST's redirect lands on a GET).
        await page.RunAndWaitForResponseAsync(() => KeyAsync(key), r => r.Request.IsNavigationRequest && r.Request.Frame == page.MainFrame && r.Status is < 300 or >= 400);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Reaches <paramref name="target"/> and presses <paramref name="key"/> on it.</summary>
    public async Task PressAsync(ILocator target, string key, bool navigates = false)
    {
        await FocusAsync(target);
        if (navigates) await KeyAsyncNavigating(key);
        else await KeyAsync(key);
    }

    /// <summary>Reaches a link and follows it (Enter).</summary>
    public Task FollowAsync(ILocator link) => PressAsync(link, "Enter", navigates: true);

    /// <summary>Reaches a file input, opens the chooser (Space) and picks the files there: select all, Open (two more actions).</summary>
    public async Task ChooseFilesAsync(ILocator input, params string[] files)
    {
        await FocusAsync(input);
        var chooser = await page.RunAndWaitForFileChooserAsync(() => KeyAsync("Space"));
        await chooser.SetFilesAsync(files);
        counts = counts with { CommandKeys = counts.CommandKeys + 2 };
    }

    public async Task TypeIntoAsync(ILocator field, string text)
    {
        await FocusAsync(field);
        await page.Keyboard.TypeAsync(text);
        counts = counts with { TypedKeys = counts.TypedKeys + text.Length };
    }

    public async Task TypeAltIntoAsync(ILocator field, string text)
    {
        await FocusAsync(field);
        await TypeAltAsync(text);
    }

    /// <summary>Types the alt text itself into the focused field (not counted against the desk: a person has to write it).</summary>
    public async Task TypeAltAsync(string text)
    {
        await page.Keyboard.TypeAsync(text);
        counts = counts with { AltKeys = counts.AltKeys + text.Length };
    }
}
