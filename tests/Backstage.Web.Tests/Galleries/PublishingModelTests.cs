using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Galleries;
using Backstage.Web.Storage;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>Issue 10: per-photo publishing, draft shows, the embeds table, takedown, usage and the studio log — real PostgreSQL, real photos.</summary>
public sealed class PublishingModelTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    private async Task<(Show Show, FormClient Editor, List<Photo> Photos)> UploadedAsync(string designer, int count, ShowStatus status = ShowStatus.Published)
    {
        var show = await factory.CreateShowAsync(designer, status);
        var editor = await factory.ClientAsync(Roles.Editor);
        var seed = Random.Shared.Next(1000, 1_000_000);
        await UploadAndShowAsync(editor, show.Id, Enumerable.Range(1, count).Select(i => ($"IMG_{i:0000}.jpg", Jpeg(seed + i, 640, 480))).ToArray());
        await factory.DrainAsync();
        return (show, editor, await factory.PhotosAsync(show.Id));
    }

    private static async Task<int> FiguresAsync(HttpClient anon, string url) =>
        FormClient.Parse(await anon.GetStringAsync(url)).QuerySelectorAll("figure.gallery-photo").Length;

    [Fact]
    public async Task Photos_uploaded_to_a_live_gallery_stay_unpublished_until_published_and_the_gate_names_each_failing_photo()
    {
        var (show, editor, photos) = await UploadedAsync("Loewe", 3);
        var anon = factory.Anonymous();
        var url = MediaEndpoints.Url(photos[0].Id, photos[0].Renditions.First().Spec);
        Assert.Equal(0, await FiguresAsync(anon, $"/shows/{show.Slug}"));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync(url)).StatusCode);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Equal("3 photos unpublished — 3 lack alt text, 3 lack credit", page.QuerySelector(".gallery-summary")!.TextContent.Trim());

        await PostEditorAsync(editor, show.Id, "creditSelected", f =>
        {
            for (int i = 0; i < 3; i++) f[$"Items[{i}].Selected"] = "true";
            f["Items[0].AltText"] = "Hair being set";
            f["BulkCredit"] = "Jane Doe";
        });
        page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Equal("3 photos unpublished — 2 lack alt text", page.QuerySelector(".gallery-summary")!.TextContent.Trim());
        // The filter narrows the grid to the photos that still need alt text.
        Assert.Equal(2, (await editor.GetDocumentAsync(GalleryUrl(show.Id) + "?filter=needs-alt")).QuerySelectorAll("li.sheet-cell").Length);

        // The rule, without HTTP: publishing all three is refused, naming photos 2 and 3 and nothing else.
        var refused = await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default));
        Assert.False(refused.Ok);
        Assert.Equal(["At Loewe, photo 2 (IMG_0002.jpg): no alt text (describe it, or mark it decorative).",
                      "At Loewe, photo 3 (IMG_0003.jpg): no alt text (describe it, or mark it decorative)."], refused.Problems);
        Assert.Equal(0, await FiguresAsync(anon, $"/shows/{show.Slug}"));

        // Through the page, "Publish all ready" publishes photo 1 only and names the others.
        var response = await PostEditorAsync(editor, show.Id, "publishAll");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Contains("photo 2 (IMG_0002.jpg): no alt text", page.QuerySelector(".gallery-problems")!.TextContent);
        Assert.Equal("2 photos unpublished — 2 lack alt text", page.QuerySelector(".gallery-summary")!.TextContent.Trim());
        Assert.Equal(1, await FiguresAsync(anon, $"/shows/{show.Slug}"));
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(url)).StatusCode);
        Assert.Contains(await factory.AuditAsync("photo", photos[0].Id), a => a.Action == StudioActions.PhotoPublish && a.Actor == editor.Email);

        // One photo's own "Publish" button, after fixing it in the same post.
        await PostEditorAsync(editor, show.Id, $"publish:{photos[1].Id}", f => f["Items[1].Decorative"] = "true");
        Assert.Equal(2, await FiguresAsync(anon, $"/shows/{show.Slug}"));
    }

    [Fact]
    public async Task A_draft_show_is_404_on_every_public_surface_until_it_is_published()
    {
        var word = ReaderData.Word();
        var (show, editor, photos) = await UploadedAsync("Draftee", 2, ShowStatus.Draft);
        await factory.FillGateAsync(show.Id, word);
        Assert.True((await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        var article = await factory.ArticleAsync("Draft embed " + word, $"Look.\n\n::: gallery {show.Slug}\n");
        var media = MediaEndpoints.Url(photos[0].Id, photos[0].Renditions.First(r => r.Spec.EndsWith(".jpg")).Spec);

        async Task<Dictionary<string, bool>> SurfacesAsync()
        {
            var anon = factory.Anonymous();
            var articleHtml = await anon.GetStringAsync($"/articles/{article.Slug}");
            return new()
            {
                ["show page"] = (await anon.GetAsync($"/shows/{show.Slug}")).StatusCode == HttpStatusCode.OK,
                ["photo page"] = (await anon.GetAsync($"/shows/{show.Slug}/photos/{photos[0].Position}")).StatusCode == HttpStatusCode.OK,
                ["photo link"] = (await anon.GetAsync($"/photos/{photos[0].Id}")).StatusCode == HttpStatusCode.Redirect,
                ["media"] = (await anon.GetAsync(media)).StatusCode == HttpStatusCode.OK,
                ["article embed"] = articleHtml.Contains($"/media/{photos[0].Id}/"),
                ["OpenGraph"] = FormClient.Parse(articleHtml).QuerySelector("meta[property='og:image']")?.GetAttribute("content")?.Contains($"/media/{photos[0].Id}/") == true,
                ["feed"] = (await anon.GetStringAsync("/feed.xml")).Contains($"/media/{photos[0].Id}/"),
                ["sitemap"] = (await anon.GetStringAsync("/sitemap.xml")).Contains($"/shows/{show.Slug}"),
                ["search"] = (await anon.GetStringAsync($"/search?q={word}")).Contains($"/shows/{show.Slug}"),
                ["shows list"] = (await anon.GetStringAsync("/shows")).Contains($"/shows/{show.Slug}"),
            };
        }

        var hidden = await SurfacesAsync();
        Assert.All(hidden, s => Assert.False(s.Value, $"{s.Key} shows the draft show"));

        var response = await editor.PostActionAsync($"/studio/shows/edit/{show.Id}", "publish", ("Input.Designer", show.Designer), ("Input.Season", show.Season),
            ("Input.City", show.City), ("Input.Date", "2025-03-03"), ("Input.Slug", show.Slug), ("Input.Version", await VersionAsync(show.Id)));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var shown = await SurfacesAsync();
        Assert.All(shown, s => Assert.True(s.Value, $"{s.Key} does not show the published show"));
        Assert.Contains(await factory.AuditAsync("show", show.Id), a => a.Action == StudioActions.Publish);
    }

    private Task<string> VersionAsync(int showId) =>
        factory.WithDbAsync(async db => (await db.Shows.AsNoTracking().FirstAsync(s => s.Id == showId)).Version.ToString());

    [Fact]
    public async Task A_gallery_named_inside_a_code_fence_is_not_an_embed_and_its_draft_captions_stay_unsearchable()
    {
        var word = ReaderData.Word();
        var (show, _, _) = await UploadedAsync("Fenced", 1, ShowStatus.Draft);
        await factory.FillGateAsync(show.Id, word);
        await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default));
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = "fence-" + Guid.NewGuid().ToString("N")[..8];
        var response = await editor.PostActionAsync("/studio/articles/edit", "publish", ("Input.Title", "Fenced " + word), ("Input.Slug", slug),
            ("Input.Body", $"How to embed:\n\n```\n::: gallery {show.Slug}\n```\n"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var article = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Slug == slug));
        Assert.Empty(await factory.WithDbAsync(db => db.Set<ArticleGallery>().Where(e => e.ArticleId == article.Id).ToListAsync()));
        var results = FormClient.Parse(await factory.Anonymous().GetStringAsync($"/search?q=touches+{word}"));
        Assert.DoesNotContain($"/shows/{show.Slug}/photos/", results.Body!.InnerHtml);
        Assert.Equal(ShowStatus.Draft, await factory.WithDbAsync(db => db.Shows.Where(s => s.Id == show.Id).Select(s => s.Status).SingleAsync()));

        // The same line outside the fence is an embed: recorded on save.
        await editor.PostFormAsync($"/studio/articles/edit/{article.Id}", ("Input.Title", "Fenced " + word), ("Input.Slug", slug),
            ("Input.Body", $"Now for real:\n\n::: gallery {show.Slug}\n"), ("Input.Version", article.Version.ToString()));
        Assert.Equal([show.Slug], await factory.WithDbAsync(db => db.Set<ArticleGallery>().Where(e => e.ArticleId == article.Id).Select(e => e.ShowSlug).ToListAsync()));
    }

    [Fact]
    public async Task Take_down_answers_410_everywhere_keeps_the_original_in_quarantine_and_restore_renders_it_again()
    {
        var (show, editor, photos) = await UploadedAsync("Takedown", 2);
        await factory.FillGateAsync(show.Id);
        await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default));
        var article = await factory.ArticleAsync("Takedown story " + ReaderData.Word(), $"Look.\n\n::: gallery {show.Slug}\n");
        var victim = photos[0];
        var anon = factory.Anonymous();
        Assert.Contains($"id=\"photo-{victim.Id}\"", await anon.GetStringAsync($"/articles/{article.Slug}"));
        var details = $"/studio/photos/{victim.Id}";

        // A reason is required.
        var refused = await editor.PostFormAsync(details, [new("ReasonNote", "no reason given")], details + "?handler=takeDown");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Choose the reason", await refused.Content.ReadAsStringAsync());
        Assert.Null((await factory.PhotosAsync(show.Id))[0].TakenDownAt);

        var response = await editor.PostFormAsync(details, [new("Reason", "Rights"), new("ReasonNote", "agency withdrew it")], details + "?handler=takeDown");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        foreach (var r in victim.Renditions)
        {
            Assert.Equal(HttpStatusCode.Gone, (await anon.GetAsync(MediaEndpoints.Url(victim.Id, r.Spec))).StatusCode);
            Assert.Equal(HttpStatusCode.Gone, (await editor.Http.GetAsync(MediaEndpoints.Url(victim.Id, r.Spec))).StatusCode);
        }
        // Every rendition object is gone; the private original stays in the store as the quarantine "Restore" needs.
        Assert.Empty(await factory.Store.ListAsync(MediaKeys.RenditionsOf(victim.Id), default).ToListAsync());
        Assert.NotNull(await factory.Store.StatAsync(MediaKeys.Original(victim.Sha256), default));
        Assert.DoesNotContain($"id=\"photo-{victim.Id}\"", await anon.GetStringAsync($"/articles/{article.Slug}"));
        Assert.DoesNotContain($"id=\"photo-{victim.Id}\"", await anon.GetStringAsync($"/shows/{show.Slug}"));
        Assert.Contains($"id=\"photo-{photos[1].Id}\"", await anon.GetStringAsync($"/shows/{show.Slug}"));
        Assert.DoesNotContain($"/media/{victim.Id}/", await anon.GetStringAsync("/sitemap.xml"));
        var entry = Assert.Single(await factory.AuditAsync("photo", victim.Id), a => a.Action == StudioActions.Takedown);
        Assert.Equal("Rights: agency withdrew it", entry.Why);
        Assert.Equal(editor.Email, entry.Actor);

        response = await editor.PostFormAsync(details, [], details + "?handler=restore");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(2, await factory.DrainAsync()); // the render and its AVIF follow-up
        var restored = (await factory.PhotosAsync(show.Id)).Single(p => p.Id == victim.Id);
        Assert.Equal(PhotoStatus.Ready, restored.Status);
        Assert.NotEmpty(restored.Renditions);
        Assert.All(restored.Renditions, r => Assert.True(r.CreatedAt > entry.At));
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(MediaEndpoints.Url(victim.Id, restored.Renditions[0].Spec))).StatusCode);
        Assert.Contains($"id=\"photo-{victim.Id}\"", await anon.GetStringAsync($"/articles/{article.Slug}"));
        Assert.Contains(await factory.AuditAsync("photo", victim.Id), a => a.Action == StudioActions.Restore);
    }

    [Fact]
    public async Task Usage_names_every_place_and_delete_asks_first_then_is_refused_while_live_in_a_published_article()
    {
        var (show, editor, photos) = await UploadedAsync("Usage", 1);
        await factory.FillGateAsync(show.Id);
        var photo = photos[0];
        await factory.EditorAsync(e => e.SetCoverAsync(show.Id, photo.Id, default));
        var title = "Usage draft " + ReaderData.Word();
        var article = await factory.ArticleAsync(title, $"::: gallery {show.Slug}\n", status: ArticleStatus.Draft);

        var page = await editor.GetDocumentAsync($"/studio/photos/{photo.Id}");
        var places = page.QuerySelectorAll("ul.usage li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(3, places.Count);
        Assert.Contains(places, p => p.StartsWith("Gallery of At Usage"));
        Assert.Contains(places, p => p.StartsWith("Cover of At Usage"));
        Assert.Contains(places, p => p.StartsWith($"Article: {title} (draft)"));

        var ask = await factory.EditorAsync(e => e.DeleteAsync(show.Id, photo.Id, confirmed: false, DeskTestKit.Desk, default));
        Assert.True(ask.NeedsConfirmation);
        Assert.Equal(["Cover of At Usage", $"Article: {title} (draft)"], ask.Problems);
        // Through the page: the gallery's Delete goes to the photo's page to confirm.
        var response = await PostEditorAsync(editor, show.Id, $"delete:{photo.Id}");
        Assert.Equal($"/studio/photos/{photo.Id}?confirm=delete", response.Headers.Location!.OriginalString);

        await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default));
        await factory.WithDbAsync(db => db.Articles.Where(a => a.Id == article.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, ArticleStatus.Published).SetProperty(a => a.PublishAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        var refused = await factory.EditorAsync(e => e.DeleteAsync(show.Id, photo.Id, confirmed: true, DeskTestKit.Desk, default));
        Assert.False(refused.Ok);
        Assert.False(refused.NeedsConfirmation);
        Assert.Contains("take it down instead", refused.Message);
        Assert.Single(await factory.PhotosAsync(show.Id));

        // After the article stops embedding it, the list follows, and a confirmed delete goes through.
        var saved = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Id == article.Id));
        await editor.PostFormAsync($"/studio/articles/edit/{article.Id}", ("Input.Title", title), ("Input.Slug", saved.Slug),
            ("Input.Body", "No gallery any more."), ("Input.Version", saved.Version.ToString()));
        page = await editor.GetDocumentAsync($"/studio/photos/{photo.Id}");
        Assert.Equal(2, page.QuerySelectorAll("ul.usage li").Length);
        var deleted = await factory.EditorAsync(e => e.DeleteAsync(show.Id, photo.Id, confirmed: true, DeskTestKit.Desk, default));
        Assert.True(deleted.Ok, deleted.Message);
        Assert.Empty(await factory.PhotosAsync(show.Id));
        Assert.Contains(await factory.AuditAsync("photo", photo.Id), a => a.Action == StudioActions.Delete);
    }

    [Fact]
    public async Task Every_article_save_keeps_a_revision_that_can_be_compared_and_restored()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = "rev-" + Guid.NewGuid().ToString("N")[..8];
        await editor.PostFormAsync("/studio/articles/edit", ("Input.Title", "First title"), ("Input.Slug", slug), ("Input.Body", "Line one.\nLine two."));
        var article = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Slug == slug));
        await editor.PostFormAsync($"/studio/articles/edit/{article.Id}", ("Input.Title", "Second title"), ("Input.Slug", slug),
            ("Input.Body", "Line one.\nLine <script>alert(1)</script> changed."), ("Input.Version", article.Version.ToString()));

        var history = await editor.GetDocumentAsync($"/studio/articles/{article.Id}/history");
        Assert.Equal(2, history.QuerySelectorAll("table.revisions tbody tr").Length);
        var ids = await factory.WithDbAsync(db => db.Set<ArticleRevision>().Where(r => r.ArticleId == article.Id).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync());
        foreach (var view in new[] { "inline", "side" })
        {
            var diff = await editor.GetDocumentAsync($"/studio/articles/{article.Id}/history?from={ids[0]}&to={ids[1]}&view={view}");
            Assert.True(string.Concat(diff.QuerySelectorAll(".diff .diff-deleted").Select(e => e.TextContent)).Contains("Line two."), diff.QuerySelector(".diff")?.OuterHtml ?? diff.Body!.InnerHtml);
            Assert.Contains("<script>alert(1)</script>", string.Concat(diff.QuerySelectorAll(".diff .diff-inserted").Select(e => e.TextContent))); // shown as text
            Assert.Empty(diff.QuerySelectorAll(".diff script"));
        }

        var current = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Id == article.Id));
        var response = await editor.PostFormAsync($"/studio/articles/{article.Id}/history",
            [new("revision", ids[0].ToString()), new("version", current.Version.ToString())], $"/studio/articles/{article.Id}/history?handler=restore");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var restored = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Id == article.Id));
        Assert.Equal(("First title", "Line one.\nLine two."), (restored.Title, restored.Body));
        var revisions = await factory.WithDbAsync(db => db.Set<ArticleRevision>().Where(r => r.ArticleId == article.Id).OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(3, revisions.Count);
        Assert.Equal("Restored revision 1", revisions[2].Note);
        Assert.Contains(await factory.AuditAsync("article", article.Id), a => a.Action == StudioActions.Restore);
    }

    [Fact]
    public async Task The_studio_log_is_append_only_in_the_database_and_admins_can_filter_it()
    {
        var show = await factory.CreateShowAsync("Ledger");
        await factory.WithDbAsync(async db =>
        {
            StudioLog.Record(db, DeskTestKit.Desk, DateTimeOffset.UtcNow, StudioActions.Embargo, "show", show.Id, show.Title, "not before tomorrow");
            await db.SaveChangesAsync();
        });
        foreach (var sql in new[] { "UPDATE studio_audit SET why = 'rewritten'", "DELETE FROM studio_audit", "TRUNCATE studio_audit" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Contains("append-only", e.MessageText);
        }
        var admin = await factory.ClientAsync(Roles.Admin);
        var page = await admin.GetDocumentAsync("/admin/studio-log?action=embargo&kind=show");
        Assert.Contains(page.QuerySelectorAll("tr[data-audit-action='embargo']"), tr => tr.TextContent.Contains("not before tomorrow"));
        var editor = await factory.ClientAsync(Roles.Editor);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Http.GetAsync("/admin/studio-log")).StatusCode);
    }
}

/// <summary>Embargo: a job in the queue, exact to the minute, that survives an app restart.</summary>
public sealed class EmbargoTests : IAsyncLifetime
{
    private DeskFactory _app = new();
    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task An_embargoed_show_is_404_to_readers_until_the_minute_it_goes_live_by_itself_even_across_a_restart()
    {
        var show = await _app.CreateShowAsync("Embargo", ShowStatus.Draft);
        var editor = await _app.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ("IMG_0001.jpg", Jpeg(4242, 640, 480)));
        await _app.DrainAsync();
        await _app.FillGateAsync(show.Id);
        await _app.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default));
        var time = _app.Services.GetRequiredService<SiteTime>();
        var local = time.ToLocal(_app.Clock.GetUtcNow().AddHours(1));
        local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute)); // the form takes minutes
        var embargo = time.ToUtc(local);
        var version = (await _app.WithDbAsync(db => db.Shows.AsNoTracking().FirstAsync(s => s.Id == show.Id))).Version;
        var response = await editor.PostActionAsync($"/studio/shows/edit/{show.Id}", "publish", ("Input.Designer", show.Designer), ("Input.Season", show.Season),
            ("Input.City", show.City), ("Input.Date", "2025-03-03"), ("Input.Slug", show.Slug), ("Input.Version", version.ToString()),
            ("Input.EmbargoLocal", local.ToString("yyyy-MM-ddTHH:mm")));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var photo = Assert.Single(await _app.PhotosAsync(show.Id));
        var media = MediaEndpoints.Url(photo.Id, photo.Renditions[0].Spec);

        Assert.Equal(HttpStatusCode.NotFound, (await _app.Anonymous().GetAsync(media)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Anonymous().GetAsync($"/shows/{show.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.GetAsync(media)).StatusCode); // staff preview
        var job = await _app.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Kind == "show-live" && j.Payload == show.Id.ToString()));
        Assert.Equal(embargo, job.RunAfter);
        Assert.Contains(await _app.AuditAsync("show", show.Id), a => a.Action == StudioActions.Embargo);

        _app = await _app.RestartAsync();
        _app.Clock.Advance(embargo - _app.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _app.DrainAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Anonymous().GetAsync(media)).StatusCode);

        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _app.DrainAsync());
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(media)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync($"/shows/{show.Slug}")).StatusCode);
        Assert.Contains(await _app.AuditAsync("show", show.Id), a => a.Action == StudioActions.WentLive && a.Actor == "system");
        Assert.Equal(0, await _app.DrainAsync()); // fired once
    }
}
