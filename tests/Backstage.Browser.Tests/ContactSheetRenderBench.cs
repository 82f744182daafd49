using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Backstage.Browser.Tests;

/// <summary>
/// Contact sheet weight and time to first render (issue 18), for bench/contact-sheet/run.sh: the studio gallery page of a
/// 300-photo show in two running apps side by side, the old one-form editor (BACKSTAGE_BENCH_OLD_URL, show
/// BACKSTAGE_BENCH_OLD_SHOW) and the contact sheet (BACKSTAGE_BENCH_NEW_URL, BACKSTAGE_BENCH_NEW_SHOW), signed in as an
/// Editor. Per variant (old and new, each with and without JavaScript) it measures the HTML bytes (and, for the contact
/// sheet, its ?handler=cells fragment), the inputs and textareas in the DOM, the page height at 1366 px wide, and over
/// BACKSTAGE_BENCH_LOADS loads (5 by default; a new browser context each, so no HTTP cache) First Contentful Paint,
/// DOMContentLoaded, load and, for the contact sheet with JavaScript, the moment its grid holds every cell
/// (#sheet-grid[data-loaded=all]). The variants alternate within each round (A-B-A-B) so drift shows in the per-load lines.
/// Writes a Markdown table to BACKSTAGE_BENCH_OUT if set. No timing assertion is made; without the URLs the normal suite
/// reports it skipped (ContactSheetWeightTests is the in-suite check).
/// </summary>
public sealed class ContactSheetRenderBench(ITestOutputHelper output)
{
    private sealed record Variant(string Name, string Base, int Show, bool Js, bool Sheet);

    private sealed record Load(double Ttfb, double ResponseEnd, double Fcp, double Dcl, double LoadEnd, double? AllCells, double Height, int Inputs,
        int Textareas, int Cells, int Images, long ImageBytes, long HtmlTransfer, long CellsTransfer);

    // Marks the moment the contact sheet's grid says it holds every cell (gallery-editor.js sets data-loaded="all").
    private const string WatchAllCells = """
        (() => {
          const mark = () => {
            const g = document.getElementById('sheet-grid');
            if (g && g.getAttribute('data-loaded') === 'all' && window.__allCells === undefined) window.__allCells = performance.now();
          };
          new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-loaded'] });
        })();
        """;

    private const string Collect = """
        () => {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
          const res = performance.getEntriesByType('resource');
          const cells = res.filter(e => e.name.includes('handler=cells'));
          return {
            ttfb: nav.responseStart,
            responseEnd: nav.responseEnd,
            fcp: fcp ? fcp.startTime : -1,
            dcl: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
            allCells: window.__allCells === undefined ? null : window.__allCells,
            height: document.documentElement.scrollHeight,
            inputs: document.querySelectorAll('input').length,
            textareas: document.querySelectorAll('textarea').length,
            cells: document.querySelectorAll('.sheet-cell, .photo-card').length,
            htmlTransfer: nav.transferSize,
            cellsTransfer: cells.reduce((s, e) => s + (e.transferSize || 0), 0),
          };
        }
        """;

    [BenchFact("bench/contact-sheet/run.sh", "BACKSTAGE_BENCH_OLD_URL", "BACKSTAGE_BENCH_NEW_URL")]
    public async Task Contact_sheet_vs_the_one_form_editor_weight_and_time_to_first_render()
    {
        string oldUrl = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_OLD_URL")!, newUrl = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_NEW_URL")!;
        int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;
        int oldShow = Env("BACKSTAGE_BENCH_OLD_SHOW", 0), newShow = Env("BACKSTAGE_BENCH_NEW_SHOW", 0), loads = Env("BACKSTAGE_BENCH_LOADS", 5);
        Assert.True(oldShow > 0 && newShow > 0, "BACKSTAGE_BENCH_OLD_SHOW and BACKSTAGE_BENCH_NEW_SHOW name the two shows");
        string email = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_EMAIL") ?? "editor@backstage.test";
        string password = Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_PASSWORD") ?? "Backstage-demo-2025";

        Variant[] variants =
        [
            new("old, with JS", oldUrl.TrimEnd('/'), oldShow, Js: true, Sheet: false),
            new("new, with JS", newUrl.TrimEnd('/'), newShow, Js: true, Sheet: true),
            new("old, no JS", oldUrl.TrimEnd('/'), oldShow, Js: false, Sheet: false),
            new("new, no JS", newUrl.TrimEnd('/'), newShow, Js: false, Sheet: true),
        ];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserFixture.LaunchChromiumAsync(playwright);
        var viewport = new ViewportSize { Width = 1366, Height = 768 };

        // One sign-in per app; every measured load starts a fresh context from its cookies (no HTTP cache, no warm renderer).
        var states = new Dictionary<string, string>();
        foreach (var b in variants.Select(v => v.Base).Distinct())
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = b, ViewportSize = viewport });
            context.SetDefaultTimeout(120_000);
            await BrowserFixture.SignInAsync(await context.NewPageAsync(), email, password);
            states[b] = await context.StorageStateAsync();
        }

        string Url(Variant v) => $"/studio/shows/{v.Show}/gallery";

        // The HTML itself, as the server sends it (uncompressed bytes): the page, and the contact sheet's fragment of every cell.
        var html = new Dictionary<string, (long Page, long Cells, int Inputs, int Textareas)>();
        foreach (var b in variants.Select(v => v.Base).Distinct())
        {
            var v = variants.First(x => x.Base == b);
            await using var context = await browser.NewContextAsync(new() { BaseURL = b, StorageState = states[b] });
            var page = await context.APIRequest.GetAsync(Url(v));
            Assert.True(page.Ok, $"{b}{Url(v)}: {page.Status}");
            var body = await page.TextAsync();
            long cells = 0;
            var m = System.Text.RegularExpressions.Regex.Match(body, "data-cells=\"([^\"]+)\"");
            if (m.Success)
            {
                var fragment = await context.APIRequest.GetAsync(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value));
                Assert.True(fragment.Ok, $"cells fragment: {fragment.Status}");
                cells = (await fragment.BodyAsync()).LongLength;
            }
            html[b] = ((await page.BodyAsync()).LongLength, cells, Count(body, "<input"), Count(body, "<textarea"));
        }

        async Task<Load> MeasureAsync(Variant v)
        {
            await using var context = await browser.NewContextAsync(new()
            {
                BaseURL = v.Base, ViewportSize = viewport, StorageState = states[v.Base], JavaScriptEnabled = v.Js,
            });
            context.SetDefaultTimeout(180_000);
            context.SetDefaultNavigationTimeout(180_000);
            if (v.Js) await context.AddInitScriptAsync(WatchAllCells);
            var page = await context.NewPageAsync();
            // Thumbnails counted from the network, not the page's resource timing: its buffer stops at 250 entries.
            var images = new List<IResponse>();
            page.Response += (_, r) => { if (r.Request.ResourceType == "image") lock (images) images.Add(r); };
            var response = await page.GotoAsync(Url(v), new() { WaitUntil = WaitUntilState.Load });
            Assert.True(response is { Ok: true }, $"{v.Name}: {response?.Status}");
            if (v.Js && v.Sheet)
                await page.WaitForSelectorAsync("#sheet-grid[data-loaded=all]", new() { State = WaitForSelectorState.Attached });
            // The first contentful paint can come after the load event on a busy machine: waited for (up to 30 s).
            // JavaScriptEnabled=false turns off page scripts only; Playwright's evaluation still runs.
            try
            {
                await page.WaitForFunctionAsync("() => performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')",
                    null, new() { Timeout = 30_000, PollingInterval = 50 });
            }
            catch (TimeoutException) { } // recorded as -1, left out of the medians
            var r = await page.EvaluateAsync<JsonElement>(Collect);
            IResponse[] seen;
            lock (images) seen = images.ToArray();
            long imageBytes = 0;
            foreach (var img in seen) imageBytes += Math.Max(0, (await img.Request.SizesAsync()).ResponseBodySize);
            double? all = r.GetProperty("allCells").ValueKind == JsonValueKind.Number ? r.GetProperty("allCells").GetDouble() : null;
            return new(r.GetProperty("ttfb").GetDouble(), r.GetProperty("responseEnd").GetDouble(), r.GetProperty("fcp").GetDouble(), r.GetProperty("dcl").GetDouble(), r.GetProperty("load").GetDouble(), all,
                r.GetProperty("height").GetDouble(), r.GetProperty("inputs").GetInt32(), r.GetProperty("textareas").GetInt32(),
                r.GetProperty("cells").GetInt32(), seen.Length, imageBytes,
                r.GetProperty("htmlTransfer").GetInt64(), r.GetProperty("cellsTransfer").GetInt64());
        }

        void Say(string line)
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }

        foreach (var v in variants) await MeasureAsync(v); // warm-up, not counted: the servers' first render of each page, JIT
        var results = variants.ToDictionary(v => v.Name, _ => new List<Load>());
        for (int round = 1; round <= loads; round++)
        {
            // A-B-A-B, the order flipped every other round so neither app always goes first
            var order = round % 2 == 1 ? variants : [variants[1], variants[0], variants[3], variants[2]];
            foreach (var v in order)
            {
                var l = await MeasureAsync(v);
                results[v.Name].Add(l);
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"CONTACT-SHEET-LOAD round={round} variant=\"{v.Name}\" ttfb={l.Ttfb:0} response_end={l.ResponseEnd:0} fcp={l.Fcp:0} dcl={l.Dcl:0} load={l.LoadEnd:0} all_cells={(l.AllCells is { } a ? a.ToString("0", CultureInfo.InvariantCulture) : "-")} " +
                    $"height={l.Height:0} inputs={l.Inputs} textareas={l.Textareas} cells={l.Cells} images={l.Images} image_bytes={l.ImageBytes} html_transfer={l.HtmlTransfer} cells_transfer={l.CellsTransfer}"));
            }
        }

        static double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToArray();
            return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
        string Ms(IEnumerable<double> values)
        {
            var xs = values.Where(x => x >= 0).ToArray(); // -1: no paint entry within 30 s
            return xs.Length > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Median(xs):0} ({xs.Min():0}–{xs.Max():0})") : "–";
        }
        string Kb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0}");

        // Weight: what the server sends (uncompressed, and over the wire as the browser saw it), what ends up in the DOM.
        var table = new StringBuilder();
        table.AppendLine("| Variant | HTML KB (page + cells fragment) | over the wire, KB (compressed) | Inputs / textareas in the DOM | Photos in the DOM | Page height at 1366 px | Images fetched (KB) |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var v in variants)
        {
            var ls = results[v.Name];
            var h = html[v.Base];
            var last = ls[^1];
            bool both = v.Sheet && v.Js;
            string bytes = both ? $"{Kb(h.Page)} + {Kb(h.Cells)} = {Kb(h.Page + h.Cells)}" : Kb(h.Page);
            double wirePage = Median(ls.Select(l => (double)l.HtmlTransfer)), wireCells = Median(ls.Select(l => (double)l.CellsTransfer));
            string wire = both ? $"{Kb(wirePage)} + {Kb(wireCells)}" : Kb(wirePage);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {v.Name} | {bytes} | {wire} | {last.Inputs} / {last.Textareas} | {last.Cells} | {Median(ls.Select(l => l.Height)):0} | " +
                $"{Median(ls.Select(l => (double)l.Images)):0} ({Kb(Median(ls.Select(l => (double)l.ImageBytes)))}) |"));
        }
        table.AppendLine();
        // Time, from the navigation's start (ms, median of the loads, min–max in brackets).
        table.AppendLine("| Variant | First byte ms | HTML received ms | First Contentful Paint ms | DOMContentLoaded ms | load ms | All 300 cells ms |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var v in variants)
        {
            var ls = results[v.Name];
            table.AppendLine($"| {v.Name} | {Ms(ls.Select(l => l.Ttfb))} | {Ms(ls.Select(l => l.ResponseEnd))} | {Ms(ls.Select(l => l.Fcp))} | " +
                $"{Ms(ls.Select(l => l.Dcl))} | {Ms(ls.Select(l => l.LoadEnd))} | " +
                $"{(v.Sheet && v.Js ? Ms(ls.Where(l => l.AllCells is not null).Select(l => l.AllCells!.Value)) : "–")} |");
        }
        foreach (var (b, h) in html)
            Say(string.Create(CultureInfo.InvariantCulture,
                $"CONTACT-SHEET-HTML base={b} page_bytes={h.Page} cells_bytes={h.Cells} html_inputs={h.Inputs} html_textareas={h.Textareas}"));
        Say(table.ToString());
        if (Environment.GetEnvironmentVariable("BACKSTAGE_BENCH_OUT") is { Length: > 0 } path) await File.WriteAllTextAsync(path, table.ToString());
    }

    private static int Count(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
