using System.Net;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// The leak count (issue 19, docs/benchmarks.md): every public surface — page HTML (home, show, photo pages, an article
/// embedding the gallery, search), /media, OpenGraph/Twitter/JSON-LD and share links, the feed, the sitemap, the
/// /photos/{id} share redirect — enumerated as an anonymous reader for an expired, a held ("valid from" ahead), a
/// "No social or link previews", a "Not in search or sitemaps" and a "No rights" photo. Every place a photo must not be
/// is counted; the count must be 0. A licensed photo beside them must appear everywhere (so the test can fail).
/// </summary>
public sealed class RightsLeakTests(RightsFactory factory) : IClassFixture<RightsFactory>
{
    [Fact]
    public async Task No_expired_held_no_social_not_in_search_or_no_rights_photo_appears_where_it_must_not()
    {
        var word = ReaderData.Word();
        var show = await factory.CreateShowAsync("Leak " + word);
        await factory.WithDbAsync(db => db.Shows.Where(s => s.Id == show.Id).ExecuteUpdateAsync(x => x.SetProperty(s => s.PublishAt, factory.Clock.GetUtcNow().AddDays(-1))));
        var seed = Random.Shared.Next(1000, 1_000_000);
        string[] kinds = ["licensed", "expired", "held", "nosocial", "nosearch", "norights"];
        for (var i = 0; i < kinds.Length; i++)
        {
            using var bytes = new MemoryStream(Jpeg(seed + i, 640, 480));
            Assert.True((await factory.WithScopeAsync(sp => sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"{kinds[i]}.jpg", bytes, default))).Ok);
        }
        await factory.DrainAsync();
        await factory.FillGateAsync(show.Id);
        var now = factory.Clock.GetUtcNow();
        // Each photo's alt text carries its own search word, so a search for it finds it if anything does.
        await factory.WithDbAsync(async db =>
        {
            var rows = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync();
            foreach (var (p, kind) in rows.Zip(kinds))
            {
                p.AltText = $"A model backstage {word}{kind}";
                p.RightsCategory = RightsCategory.Agency;
                if (kind == "expired") p.ValidUntil = now.AddMinutes(5);
                if (kind == "held") p.ValidFrom = now.AddDays(3);
                if (kind == "nosocial") p.NoSocial = true;
                if (kind == "nosearch") p.NotInSearch = true;
            }
            await db.SaveChangesAsync();
        });
        var photos = await factory.PhotosAsync(show.Id);
        var byKind = photos.Zip(kinds).ToDictionary(x => x.Second, x => x.First);
        Assert.True((await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default))).Ok);
        // After publishing: the "No rights" photo got its category taken away (as the desk would), the licence ran out,
        // the "No social" photo is the gallery's chosen cover (so the article's og:image must come from another photo).
        await factory.WithDbAsync(async db =>
        {
            await db.Set<Photo>().Where(p => p.Id == byKind["norights"].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.RightsCategory, RightsCategory.NoRights));
            db.Set<Gallery>().Add(new Gallery { ShowId = show.Id, CoverPhotoId = byKind["nosocial"].Id });
            await db.SaveChangesAsync();
        });
        var article = await factory.ArticleAsync($"Backstage at {show.Designer}", body: $"Hairspray.\n\n::: gallery {show.Slug}\n", publishAt: now.AddDays(-1));
        factory.Clock.Advance(TimeSpan.FromMinutes(6)); // "valid until" of the expired photo passed; no job has run

        // Where each photo may never be. "Page" surfaces: anywhere. "Social": og/twitter/JSON-LD/share links. "Search": sitemap and search.
        var forbidden = new Dictionary<string, (bool Page, bool Social, bool Search)>
        {
            ["licensed"] = (false, false, false), ["expired"] = (true, true, true), ["held"] = (true, true, true),
            ["nosocial"] = (false, true, false), ["nosearch"] = (false, false, true), ["norights"] = (true, true, true),
        };
        var anon = factory.Anonymous();
        var leaks = new List<string>();
        var seen = new HashSet<string>(); // (kind, surface) where an allowed photo showed up: the positive control

        void Count(string surface, string text, bool social, bool search)
        {
            foreach (var (kind, p) in byKind)
            {
                // On the social surface only the picture counts (a share link or JSON-LD "url" naming the page is not an image).
                var here = text.Contains($"/media/{p.Id}/")
                           || (!social && (text.Contains(Photo.PageUrl(show.Slug, p.Position) + "\"") || text.Contains(Photo.PageUrl(show.Slug, p.Position) + "<")));
                if (!here) continue;
                var (page, soc, sea) = forbidden[kind];
                if (page || (social && soc) || (search && sea)) leaks.Add($"{kind} photo #{p.Id} on {surface}");
                else seen.Add($"{kind}:{surface}");
            }
        }

        async Task<string> GetAsync(string url)
        {
            var response = await anon.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            return await response.Content.ReadAsStringAsync();
        }

        void Html(string surface, string html)
        {
            var doc = FormClient.Parse(html);
            var social = string.Join("\n",
                doc.QuerySelectorAll("meta[property^='og:image'], meta[name^='twitter:image']").Select(m => m.GetAttribute("content") ?? "")
                    .Concat(doc.QuerySelectorAll("script[type='application/ld+json']").Select(s => s.TextContent))
                    .Concat(doc.QuerySelectorAll(".share a[href]").Select(a => Uri.UnescapeDataString(a.GetAttribute("href")!))));
            Count(surface + " (social)", social, social: true, search: false);
            foreach (var s in doc.QuerySelectorAll("script[type='application/ld+json'], meta, .share")) s.Remove();
            Count(surface, doc.DocumentElement.OuterHtml, social: false, search: false);
        }

        Html("show page", await GetAsync($"/shows/{show.Slug}"));
        Html("article page", await GetAsync($"/articles/{article.Slug}"));
        Html("home page", await GetAsync("/"));
        Html("shows index", await GetAsync("/shows"));
        Count("feed", await GetAsync("/feed.xml"), social: false, search: false);
        Count("sitemap", await GetAsync("/sitemap.xml"), social: false, search: true);
        foreach (var kind in kinds)
            Count($"search for {kind}", await GetAsync("/search?q=" + word + kind), social: false, search: true);

        // Photo pages and the share redirect: 404 where the page surface is forbidden; otherwise its social tags are checked.
        var visible = photos.Where(p => !forbidden[byKind.First(x => x.Value.Id == p.Id).Key].Page).OrderBy(p => p.Position).ToList();
        foreach (var (kind, p) in byKind)
        {
            var share = await anon.GetAsync($"/photos/{p.Id}");
            if (forbidden[kind].Page)
            {
                if (share.StatusCode != HttpStatusCode.NotFound) leaks.Add($"{kind} photo #{p.Id} on /photos/{p.Id} ({(int)share.StatusCode})");
                var page = await anon.GetAsync(Photo.PageUrl(show.Slug, p.Position));
                if (page.StatusCode == HttpStatusCode.OK) Count($"photo page {p.Position}", await page.Content.ReadAsStringAsync(), social: false, search: false);
            }
            else Html($"photo page of {kind}", await GetAsync(Photo.PageUrl(show.Slug, p.Position)));
        }

        // /media: every rendition of every photo. Forbidden on the page surface = never 200 (410 for the expired licence).
        foreach (var (kind, p) in byKind)
            foreach (var r in p.Renditions)
            {
                var response = await anon.GetAsync(MediaEndpoints.Url(p.Id, r.Spec));
                if (forbidden[kind].Page && response.StatusCode == HttpStatusCode.OK) leaks.Add($"{kind} photo #{p.Id} at /media/{p.Id}/{r.Spec}");
                if (kind == "expired") Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
                if (!forbidden[kind].Page) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

        Assert.True(leaks.Count == 0, $"{leaks.Count} leak(s):\n" + string.Join("\n", leaks));
        // The positive control: the licensed photo is on every surface, the restricted ones where they may be.
        foreach (var expected in new[] { "licensed:show page", "licensed:show page (social)", "licensed:sitemap", "licensed:search for licensed",
                     "nosocial:show page", "nosocial:sitemap", "nosearch:show page", "nosearch:show page (social)" })
            Assert.Contains(expected, seen);
        Assert.Equal(3, visible.Count); // licensed, "No social", "Not in search"
    }
}
