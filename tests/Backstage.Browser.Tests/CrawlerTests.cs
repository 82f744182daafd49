using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Reader;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Backstage.Browser.Tests;

/// <summary>
/// Proves every link: signed in as each role, Chromium crawls every same-origin page reachable from the home page and
/// the role's dashboards, following links and GET forms (filled with sample input). Every page the site linked to must
/// answer 200, nothing anywhere may answer 5xx, every page passes axe (no serious or critical violation) with no
/// Content-Security-Policy violation in the console, and every same-origin response carries the security headers.
/// </summary>
public sealed partial class CrawlerTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private const int MaxPagesPerRole = 150;
    /// <summary>Pages of one shape (digits and slugs of the seeded content folded) crawled per role: a gallery's
    /// 400 photo pages prove no more than a few of them do.</summary>
    private const int MaxPagesPerShape = 3;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _seeded;

    [GeneratedRegex(@"\d+")] private static partial Regex Digits();
    [GeneratedRegex(@"/(articles|shows)/[^/?]+")] private static partial Regex Slug();

    /// <summary>Demo-like content through the real pipeline: three shows with rendered, published galleries, an unpublished
    /// show, a live article embedding the galleries, a draft, and comments in every moderation state (one reported).</summary>
    private async Task SeedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_seeded) return;
            var shows = new List<Backstage.Web.Shows.Show>();
            foreach (var designer in new[] { "Dior", "Gucci", "Mugler" })
            {
                var show = await app.ShowAsync(designer, $"Backstage at {designer}: hair, make-up and the last minutes before the walk.");
                await ReaderPhotos.AddPublishedPhotosAsync(app, show, designer == "Dior" ? 3 : 1);
                shows.Add(show);
            }
            var draftShow = await app.ShowAsync("Rochas", "Not published yet.");
            var body = "Paris closes the fashion month.\n\n" + string.Join("\n\n", shows.Select(s => $"## At {s.Designer}\n\n::: gallery {s.Slug}"));
            var article = await app.ArticleAsync("Paris backstage moments", body, "Hairspray, safety pins and nerves of steel.");
            await app.ArticleAsync("Milan next", $"Soon.\n\n::: gallery {draftShow.Slug}", status: Backstage.Web.Articles.ArticleStatus.Draft);

            var commenter = await app.CreateUserAsync(Roles.Reader);
            await app.WithDbAsync(async db =>
            {
                var authorId = await db.Users.Where(u => u.Email == commenter).Select(u => u.Id).SingleAsync();
                var now = DateTimeOffset.UtcNow.AddMinutes(-30);
                var states = new[] { CommentState.Approved, CommentState.Approved, CommentState.Pending, CommentState.Spam, CommentState.Trash };
                var comments = states.Select((s, i) => new Comment
                {
                    ArticleId = article.Id, AuthorId = authorId, Body = $"Comment {i + 1}: the hair was perfect.", State = s,
                    CreatedAt = now.AddMinutes(i), StateChangedAt = now.AddMinutes(i), OpenReports = i == 1 ? 1 : 0,
                }).ToList();
                db.AddRange(comments);
                await db.SaveChangesAsync();
                db.Add(new CommentReport { CommentId = comments[1].Id, ReporterId = authorId, Reason = "rude", CreatedAt = now });
                await db.SaveChangesAsync();
            });
            _seeded = true;
        }
        finally { Gate.Release(); }
    }

    public static TheoryData<string> Roles_ => new() { "", Roles.Reader, Roles.Editor, Roles.Admin };

    [Theory, MemberData(nameof(Roles_))]
    public async Task Every_page_the_site_links_to_answers_passes_axe_and_carries_the_security_headers(string role)
    {
        await SeedAsync();
        var page = await app.NewPageAsync(role == "" ? null : await app.CreateUserAsync(role));
        var origin = new Uri(app.BaseUrl);
        var problems = new List<string>();
        var responses = new ConcurrentQueue<IResponse>();
        var consoleErrors = new ConcurrentQueue<string>();
        page.Response += (_, r) => { if (new Uri(r.Url).Authority == origin.Authority) responses.Enqueue(r); };
        page.Console += (_, m) => { if (m.Type == "error" && m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) consoleErrors.Enqueue(m.Text); };

        var queue = new Queue<(string Url, string From)>();
        var seen = new HashSet<string>();
        var shapes = new Dictionary<string, int>();
        void Enqueue(string url, string from)
        {
            if (!Uri.TryCreate(new Uri(origin, from), url, out var u) || u.Authority != origin.Authority || u.Scheme is not ("http" or "https")) return;
            var path = u.PathAndQuery;
            if (path.StartsWith("/account/logout", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/media/", StringComparison.Ordinal)) return;
            if (!seen.Add(path)) return;
            var shape = Digits().Replace(Slug().Replace(u.AbsolutePath, "/$1/*"), "N") + (u.Query.Length > 0 ? "?" + string.Join("&", u.Query.TrimStart('?').Split('&').Select(p => p.Split('=')[0]).Order()) : "");
            shapes[shape] = shapes.GetValueOrDefault(shape) + 1;
            if (shapes[shape] <= MaxPagesPerShape) queue.Enqueue((path, from));
        }
        Enqueue("/", "/");
        if (role is Roles.Editor or Roles.Admin) Enqueue("/studio", "/");
        if (role is Roles.Admin) Enqueue("/admin", "/");

        var crawled = 0;
        while (queue.Count > 0 && crawled < MaxPagesPerRole)
        {
            var (url, from) = queue.Dequeue();
            crawled++;
            var response = await page.GotoAsync(url);
            if (response is null) { problems.Add($"{url} (linked from {from}): no response"); continue; }
            if (response.Status != 200) { problems.Add($"{url} (linked from {from}) answered {response.Status}"); continue; }

            var axe = await page.RunAxe();
            problems.AddRange(axe.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{url} axe [{v.Impact}] {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(2).Select(n => n.Html))}"));

            var here = new Uri(page.Url).PathAndQuery;
            foreach (var link in await page.EvalOnSelectorAllAsync<string[]>("a[href]:not([download])", "els => els.map(a => a.getAttribute('href'))"))
                Enqueue(link, here);
            // Downloads (CSV, Photo Mechanic, data exports) are fetched with the page's cookies, not navigated to.
            foreach (var link in await page.EvalOnSelectorAllAsync<string[]>("a[href][download]", "els => els.map(a => a.href)"))
                if (seen.Add(new Uri(link).PathAndQuery))
                {
                    var download = await page.Context.APIRequest.GetAsync(link);
                    if (download.Status != 200) problems.Add($"{new Uri(link).PathAndQuery} (download linked from {here}) answered {download.Status}");
                    else if (!download.Headers.GetValueOrDefault("content-disposition", "").StartsWith("attachment", StringComparison.Ordinal))
                        problems.Add($"{new Uri(link).PathAndQuery} (download linked from {here}) is not an attachment");
                }
            // GET forms (search, filters) submitted with sample input in every empty text field.
            foreach (var formUrl in await page.EvalOnSelectorAllAsync<string[]>("form", """
                forms => forms.filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'get').map(f => {
                  const data = new FormData(f);
                  for (const el of f.querySelectorAll('input[type=search], input[type=text], input:not([type])'))
                    if (el.name && !data.get(el.name)) data.set(el.name, 'backstage');
                  const action = new URL(f.getAttribute('action') || location.href, location.href);
                  action.search = new URLSearchParams(data).toString();
                  return action.pathname + action.search;
                })
                """))
                Enqueue(formUrl, here);
        }

        while (responses.TryDequeue(out var r))
        {
            var path = new Uri(r.Url).PathAndQuery;
            if (r.Status >= 500) problems.Add($"{path} answered {r.Status}");
            else if (r.Status == 404) problems.Add($"{path} (requested by a page) answered 404");
            var headers = await r.AllHeadersAsync();
            foreach (var (name, expected) in new[] { ("content-security-policy", "frame-ancestors 'none'"), ("x-content-type-options", "nosniff"),
                         ("referrer-policy", ""), ("x-frame-options", "DENY") })
                if (!headers.TryGetValue(name, out var value) || !value.Contains(expected, StringComparison.Ordinal))
                    problems.Add($"{path} ({r.Status}) lacks {name}{(expected == "" ? "" : ": " + expected)}");
        }
        problems.AddRange(consoleErrors.Distinct());

        Assert.True(crawled > (role is Roles.Admin ? 15 : 8), $"only {crawled} pages were reachable as '{role}'");
        Assert.True(problems.Count == 0, $"crawled {crawled} pages as '{role}':\n" + string.Join("\n", problems.Distinct()));
    }
}
