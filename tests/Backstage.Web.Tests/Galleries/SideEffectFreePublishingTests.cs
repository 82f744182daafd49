using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// Issue 17, items 1, 2 and 8: publishing an article changes no show and no photo; the gate lists what readers would not
/// see and the editor chooses with explicit, logged buttons; a photo unpublished on purpose stays so; each publishing
/// action is one transaction; one go-live job and one "went live" row per show and time. Real PostgreSQL, real photos.
/// </summary>
public sealed class SideEffectFreePublishingTests(DeskFactory factory) : IClassFixture<DeskFactory>
{
    private SiteTime Time => factory.Services.GetRequiredService<SiteTime>();

    /// <summary>A show with <paramref name="count"/> rendered photos that pass the gate, all unpublished.</summary>
    private async Task<(Show Show, FormClient Editor, List<Photo> Photos)> ShowWithPhotosAsync(string designer, int count, ShowStatus status)
    {
        var show = await factory.CreateShowAsync(designer, status);
        var editor = await factory.ClientAsync(Roles.Editor);
        var seed = Random.Shared.Next(1000, 1_000_000);
        await UploadAndShowAsync(editor, show.Id, Enumerable.Range(1, count).Select(i => ($"IMG_{i:0000}.jpg", Jpeg(seed + i, 320, 240))).ToArray());
        await factory.DrainAsync();
        await factory.FillGateAsync(show.Id);
        return (show, editor, await factory.PhotosAsync(show.Id));
    }

    /// <summary>Schedules the show for the minute <paramref name="ahead"/> from now (straight in the database).</summary>
    private async Task<DateTimeOffset> ScheduleAsync(int showId, TimeSpan ahead)
    {
        var at = factory.Clock.GetUtcNow().Add(ahead);
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMinute));
        await factory.WithDbAsync(db => db.Shows.Where(s => s.Id == showId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ShowStatus.Scheduled).SetProperty(x => x.PublishAt, at)));
        return at;
    }

    private Task<Show> ShowAsync(int id) => factory.WithDbAsync(db => db.Shows.AsNoTracking().SingleAsync(s => s.Id == id));
    private Task<Photo> PhotoAsync(int id) => factory.WithDbAsync(db => db.Set<Photo>().AsNoTracking().SingleAsync(p => p.Id == id));
    private Task<Article> ArticleBySlugAsync(string slug) => factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Slug == slug));

    private static (string, string)[] ArticleForm(string title, string slug, string body, uint version = 0) =>
        [("Input.Title", title), ("Input.Slug", slug), ("Input.Body", body), ("Input.Version", version.ToString())];

    [Fact]
    public async Task Publishing_an_article_leaves_a_scheduled_show_and_an_unpublished_photo_alone_and_its_gate_names_both()
    {
        // The repro: show S goes live "Friday" (a day from now); its photo #2 was unpublished on purpose, #3 never published.
        var (show, editor, photos) = await ShowWithPhotosAsync("Friday", 3, ShowStatus.Draft);
        Assert.True((await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default))).Ok);
        Assert.True((await factory.EditorAsync(e => e.UnpublishAsync(show.Id, [photos[1].Id, photos[2].Id], DeskTestKit.Desk, default))).Ok);
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photos[2].Id) // #3: never published (no deliberate unpublish)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UnpublishedAt, (DateTimeOffset?)null)));
        var friday = await ScheduleAsync(show.Id, TimeSpan.FromDays(1));
        var logBefore = (await factory.AuditAsync("show", show.Id)).Count;
        var photoLogBefore = (await factory.AuditAsync("photo", photos[2].Id)).Count;

        // "Thursday": Publish now on an article embedding S.
        var slug = "thursday-" + Guid.NewGuid().ToString("N")[..8];
        var published = await editor.PostActionAsync("/studio/articles/edit", "publish", ArticleForm("Thursday's story", slug, $"Before the show.\n\n::: gallery {show.Slug}\n"));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var article = await ArticleBySlugAsync(slug);
        Assert.Equal(ArticleStatus.Published, article.Status);

        var s = await ShowAsync(show.Id);
        Assert.Equal((ShowStatus.Scheduled, friday), (s.Status, s.PublishAt!.Value));
        Assert.Null((await PhotoAsync(photos[1].Id)).PublishedAt);
        Assert.Null((await PhotoAsync(photos[2].Id)).PublishedAt);
        Assert.NotNull((await PhotoAsync(photos[0].Id)).PublishedAt);
        Assert.Equal(logBefore, (await factory.AuditAsync("show", show.Id)).Count);
        Assert.Equal(photoLogBefore, (await factory.AuditAsync("photo", photos[2].Id)).Count);
        var anon = factory.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/shows/{show.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync(MediaEndpoints.Url(photos[0].Id, photos[0].Renditions[0].Spec))).StatusCode);

        // The gate names both: the scheduled show (with its time) and the unpublished photos, split by why.
        var notices = (await editor.GetDocumentAsync($"/studio/articles/edit/{article.Id}")).QuerySelectorAll(".embed-notices li .notice-text")
            .Select(n => n.TextContent.Trim()).ToList();
        Assert.Equal([
            $"At Friday is scheduled for {Time.ToLocal(friday):ddd d MMM, HH:mm} ({Time.ZoneName}): its gallery will appear then.",
            "2 photos of At Friday are unpublished (1 ready to publish; 1 unpublished on purpose (publish those one by one in the gallery)).",
        ], notices);
    }

    [Fact]
    public async Task The_explicit_buttons_publish_exactly_what_they_say_skip_photos_unpublished_on_purpose_and_are_logged()
    {
        var (show, editor, photos) = await ShowWithPhotosAsync("Buttons", 3, ShowStatus.Draft);
        await factory.EditorAsync(e => e.PublishAsync(show.Id, [photos[1].Id], DeskTestKit.Desk, default));
        await factory.EditorAsync(e => e.UnpublishAsync(show.Id, [photos[1].Id], DeskTestKit.Desk, default)); // #2 held back on purpose
        var slug = "buttons-" + Guid.NewGuid().ToString("N")[..8];
        var title = "Buttons story " + slug;
        await editor.PostActionAsync("/studio/articles/edit", "publish", ArticleForm(title, slug, $"::: gallery {show.Slug}\n"));
        var article = await ArticleBySlugAsync(slug);
        var edit = $"/studio/articles/edit/{article.Id}";
        var page = await editor.GetDocumentAsync(edit);
        Assert.Contains("At Buttons is a draft", page.QuerySelector(".embed-notices")!.TextContent);
        Assert.NotNull(page.QuerySelector("button[aria-label='Publish the show too: At Buttons']"));
        Assert.NotNull(page.QuerySelector("button[aria-label='Publish its ready photos too: At Buttons']"));

        // "Publish its ready photos too": #1 and #3, not #2; the show stays a draft; each row names the article.
        var response = await editor.PostFormAsync(edit, [], $"{edit}?handler=PublishPhotos&show={show.Id}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull((await PhotoAsync(photos[0].Id)).PublishedAt);
        Assert.NotNull((await PhotoAsync(photos[2].Id)).PublishedAt);
        Assert.Null((await PhotoAsync(photos[1].Id)).PublishedAt);
        Assert.Equal(ShowStatus.Draft, (await ShowAsync(show.Id)).Status);
        var row = Assert.Single(await factory.AuditAsync("photo", photos[2].Id), a => a.Action == StudioActions.PhotoPublish);
        Assert.Equal($"\"Publish its ready photos too\" from the article \"{title}\"", row.Why);
        Assert.Equal(editor.Email, row.Actor);
        page = await editor.GetDocumentAsync(edit);
        Assert.Contains("Published 2 photo(s)", page.QuerySelector(".flash")!.TextContent);
        Assert.Contains("At Buttons, photo 2 (IMG_0002.jpg): unpublished on purpose", page.QuerySelector(".embed-notices .gallery-problems")!.TextContent);

        // "Publish the show too": the show is live now; #2 still is not.
        response = await editor.PostFormAsync(edit, [], $"{edit}?handler=PublishShow&show={show.Id}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var s = await ShowAsync(show.Id);
        Assert.Equal(ShowStatus.Published, s.Status);
        Assert.True(s.IsLive(factory.Clock.GetUtcNow()));
        Assert.Null((await PhotoAsync(photos[1].Id)).PublishedAt);
        var showRow = Assert.Single(await factory.AuditAsync("show", show.Id), a => a.Action == StudioActions.Publish);
        Assert.Equal($"\"Publish the show too\" from the article \"{title}\"", showRow.Why);
        Assert.Equal(2, FormClient.Parse(await factory.Anonymous().GetStringAsync($"/articles/{slug}")).QuerySelectorAll("figure.gallery-photo").Length);

        // Deny by default: a show the article does not embed is not published through it.
        var other = await factory.CreateShowAsync("Elsewhere", ShowStatus.Draft);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.PostFormAsync(edit, [], $"{edit}?handler=PublishShow&show={other.Id}")).StatusCode);
        Assert.Equal(ShowStatus.Draft, (await ShowAsync(other.Id)).Status);
    }

    [Fact]
    public async Task Publish_all_ready_skips_a_photo_unpublished_on_purpose_and_names_it_until_it_is_published_by_name()
    {
        var (show, editor, photos) = await ShowWithPhotosAsync("Held", 2, ShowStatus.Published);
        await factory.EditorAsync(e => e.PublishAllReadyAsync(show.Id, DeskTestKit.Desk, default));
        await PostEditorAsync(editor, show.Id, $"unpublish:{photos[0].Id}");
        Assert.NotNull((await PhotoAsync(photos[0].Id)).UnpublishedAt);

        var all = await PostEditorAsync(editor, show.Id, "publishAll"); // nothing else to publish: the refusal comes back on the page
        Assert.Null((await PhotoAsync(photos[0].Id)).PublishedAt);
        var page = FormClient.Parse(await all.Content.ReadAsStringAsync());
        Assert.Contains("No photo is ready to publish.", page.Body!.TextContent);
        Assert.Contains("At Held, photo 1 (IMG_0001.jpg): unpublished on purpose; publish it by its own \"Publish\" button", page.QuerySelector(".gallery-problems")!.TextContent);

        await PostEditorAsync(editor, show.Id, $"publish:{photos[0].Id}");
        var photo = await PhotoAsync(photos[0].Id);
        Assert.NotNull(photo.PublishedAt);
        Assert.Null(photo.UnpublishedAt);
    }

    [Fact]
    public async Task A_failure_writing_the_studio_log_leaves_the_article_and_the_show_unpublished()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = "doomed-" + Guid.NewGuid().ToString("N")[..8];
        var title = "Doomed " + slug;
        await editor.PostActionAsync("/studio/articles/edit", "save", ArticleForm(title, slug, "Words."));
        var article = await ArticleBySlugAsync(slug);
        var show = await factory.CreateShowAsync("Doomed" + slug[7..], ShowStatus.Draft);
        var revisions = await factory.WithDbAsync(db => db.Set<ArticleRevision>().CountAsync(r => r.ArticleId == article.Id));
        // A real failure in PostgreSQL: the studio log refuses rows about these two subjects.
        var name = "doomed_" + slug[7..]; // test-made names and titles: letters, digits, spaces
        var create = $"""
            CREATE FUNCTION doomed_{slug[7..]}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.what IN ('{title}', '{show.Title}') THEN RAISE EXCEPTION 'log write failed'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER doomed_{slug[7..]} BEFORE INSERT ON studio_audit FOR EACH ROW EXECUTE FUNCTION doomed_{slug[7..]}();
            """;
        await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(create));
        try
        {
            var response = await editor.PostActionAsync($"/studio/articles/edit/{article.Id}", "publish", ArticleForm(title, slug, "New words.", article.Version));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var after = await ArticleBySlugAsync(slug);
            Assert.Equal((ArticleStatus.Draft, "Words."), (after.Status, after.Body));
            Assert.Equal(revisions, await factory.WithDbAsync(db => db.Set<ArticleRevision>().CountAsync(r => r.ArticleId == article.Id)));

            response = await editor.PostActionAsync($"/studio/shows/edit/{show.Id}", "publish", ("Input.Designer", show.Designer), ("Input.Season", show.Season),
                ("Input.City", show.City), ("Input.Date", "2025-03-03"), ("Input.Slug", show.Slug), ("Input.Version", show.Version.ToString()));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(ShowStatus.Draft, (await ShowAsync(show.Id)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/articles/{slug}")).StatusCode);
        }
        finally
        {
            var drop = $"DROP TRIGGER {name} ON studio_audit";
            await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(drop));
        }
    }

    [Fact]
    public async Task Saving_a_scheduled_show_three_times_queues_one_go_live_job_and_the_log_gets_one_went_live_row()
    {
        var show = await factory.CreateShowAsync("Thrice", ShowStatus.Draft);
        var editor = await factory.ClientAsync(Roles.Editor);
        var local = Time.ToLocal(factory.Clock.GetUtcNow().AddHours(2));
        local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
        foreach (var action in new[] { "schedule", "save", "schedule" })
        {
            var version = (await ShowAsync(show.Id)).Version;
            var response = await editor.PostActionAsync($"/studio/shows/edit/{show.Id}", action, ("Input.Designer", show.Designer), ("Input.Season", show.Season),
                ("Input.City", show.City), ("Input.Date", "2025-03-03"), ("Input.Slug", show.Slug), ("Input.Version", version.ToString()),
                ("Input.PublishAtLocal", local.ToString("yyyy-MM-ddTHH:mm")));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        var payload = show.Id.ToString();
        Assert.Single(await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().Where(j => j.Kind == "show-live" && j.Payload == payload).ToListAsync()));
        // A duplicate queued before this fix (or by anything else) still writes no second row: the handler is idempotent.
        await factory.WithDbAsync(async db =>
        {
            factory.Queue.Enqueue(db, "show-live", payload).RunAfter = Time.ToUtc(local);
            await db.SaveChangesAsync();
        });

        factory.Clock.Advance(Time.ToUtc(local) - factory.Clock.GetUtcNow());
        await factory.DrainAsync();
        Assert.All(await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().Where(j => j.Kind == "show-live" && j.Payload == payload).ToListAsync()),
            j => Assert.True(j.State == JobState.Succeeded, j.LastError));
        Assert.Single(await factory.AuditAsync("show", show.Id), a => a.Action == StudioActions.WentLive);
        Assert.Equal(HttpStatusCode.OK, (await factory.Anonymous().GetAsync($"/shows/{show.Slug}")).StatusCode);
    }
}
