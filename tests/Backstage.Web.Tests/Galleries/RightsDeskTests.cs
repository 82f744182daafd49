using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Email;
using Backstage.Web.Galleries;
using Backstage.Web.Ingest;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>What the CDN purger would be told: every call to <see cref="IPublicPhotoRemoval"/>.</summary>
public sealed class RecordingRemoval : IPublicPhotoRemoval
{
    public ConcurrentQueue<int> Left { get; } = new();

    public Task PhotoLeftPublicAsync(IReadOnlyCollection<int> photoIds, CancellationToken ct)
    {
        foreach (var id in photoIds) Left.Enqueue(id);
        return Task.CompletedTask;
    }
}

/// <summary>The product's rights defaults, a clock the test moves, a recording CDN hook, and a restart on the same database.</summary>
public sealed class RightsDeskFactory : GalleryFactory
{
    public ManualClock Clock { get; }
    public RecordingRemoval Removal { get; }
    protected override string NewPhotoCategory => "NoRights";

    public RightsDeskFactory() => (Clock, Removal) = (new ManualClock(), new RecordingRemoval());
    private RightsDeskFactory(RightsDeskFactory previous) : base(previous) => (Clock, Removal) = (previous.Clock, previous.Removal);

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.ConfigureServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddSingleton<IPublicPhotoRemoval>(Removal);
        });
    }

    public async Task<RightsDeskFactory> RestartAsync()
    {
        KeepDataDirectory = true;
        await DisposeAsync();
        var next = new RightsDeskFactory(this);
        await next.InitializeAsync();
        return next;
    }
}

/// <summary>
/// Issue 19 end to end on real PostgreSQL and real renders: the photo page's Rights form, bulk edit, credit presets with
/// rights defaults, expiry at "valid until" through the job queue (410 "licence expired", logged once, survives a
/// restart, the CDN hook told), "Extend licence", the Rights page and its CSV, the dashboard count and the opt-in mail.
/// </summary>
public sealed class RightsDeskTests(RightsDeskFactory factory) : IClassFixture<RightsDeskFactory>
{
    private static string Local(BackstageFactory f, DateTimeOffset utc) =>
        f.Services.GetRequiredService<SiteTime>().ToLocal(utc).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    private static DateTimeOffset WholeMinute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static async Task<(Show Show, List<Photo> Photos)> UploadedAsync(GalleryFactory f, ManualClock clock, string designer, int count)
    {
        var show = await f.CreateShowAsync(designer);
        await f.WithDbAsync(db => db.Shows.Where(s => s.Id == show.Id).ExecuteUpdateAsync(x => x.SetProperty(s => s.PublishAt, clock.GetUtcNow().AddDays(-1))));
        var seed = Random.Shared.Next(1000, 1_000_000);
        for (var i = 1; i <= count; i++)
        {
            using var bytes = new MemoryStream(Jpeg(seed + i, 640, 480));
            var outcome = await f.WithScopeAsync(sp => sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"IMG_{i:0000}.jpg", bytes, default));
            Assert.True(outcome.Ok, outcome.Message);
        }
        await f.DrainAsync();
        await f.FillGateAsync(show.Id);
        return (show, await f.PhotosAsync(show.Id));
    }

    private static Task<EditorResult> PublishAsync(GalleryFactory f, int showId, IEnumerable<int> ids) =>
        f.EditorAsync(e => e.PublishAsync(showId, ids.ToList(), DeskTestKit.Desk, default));

    private static KeyValuePair<string, string>[] RightsForm(string category, string source = "", string until = "", string from = "", bool noSocial = false) =>
    new (string Key, string Value)[]
    {
        ("Rights.Category", category), ("Rights.Source", source), ("Rights.UsageTerms", "Editorial, FW25 coverage only"),
        ("Rights.ValidFromLocal", from), ("Rights.ValidUntilLocal", until), ("Rights.NoSocial", noSocial ? "true" : "false"),
        ("Rights.NotInNewsletters", "false"), ("Rights.NotInSearch", "false"), ("Rights.EditorialOnly", "true"), ("Rights.Note", "Agency invoice #4411"),
    }.Select(x => new KeyValuePair<string, string>(x.Key, x.Value)).ToArray();

    [Fact]
    public async Task The_photo_page_sets_rights_a_licence_expires_once_at_valid_until_across_a_restart_and_extend_licence_restores_it()
    {
        var f = factory;
        var (show, photos) = await UploadedAsync(f, f.Clock, "Isabel Marant", 2);
        var editor = await f.ClientAsync(Roles.Editor);
        var page = $"/studio/photos/{photos[0].Id}";
        var doc = await editor.GetDocumentAsync(page);
        foreach (var label in new[] { "Rights", "Category", "Source", "Usage terms", "Valid from", "Valid until", Rights.NoSocialLabel, Rights.NotInNewslettersLabel,
                     Rights.NotInSearchLabel, Rights.EditorialOnlyLabel, "Desk note" })
            Assert.Contains(label, doc.QuerySelector("section.rights")!.TextContent);

        // Bad input keeps what was typed and names the field.
        var now = f.Clock.GetUtcNow();
        var bad = await editor.PostFormAsync(page, RightsForm("Agency", "Backstage Pictures", until: Local(f, now.AddHours(-2)), from: Local(f, now.AddHours(-1))), page + "?handler=rights");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badDoc = FormClient.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Valid until must be later than valid from", badDoc.QuerySelector("section.rights")!.TextContent);
        Assert.Equal("Backstage Pictures", badDoc.QuerySelector("input[name='Rights.Source']")!.GetAttribute("value"));

        var until = WholeMinute(now.AddMinutes(31));
        var saved = await editor.PostFormAsync(page, RightsForm("Agency", "Backstage Pictures", until: Local(f, until)), page + "?handler=rights");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await f.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photos[1].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.RightsCategory, RightsCategory.Staff)));
        var p0 = (await f.PhotosAsync(show.Id))[0];
        Assert.Equal((RightsCategory.Agency, "Backstage Pictures", until, true, "Agency invoice #4411"), (p0.RightsCategory, p0.RightsSource, p0.ValidUntil!.Value, p0.EditorialOnly, p0.RightsNote));
        var log = await f.AuditAsync("photo", p0.Id);
        Assert.Contains(log, a => a.Action == StudioActions.Rights && a.Why!.Contains("Category: No rights → Agency"));
        Assert.True((await PublishAsync(f, show.Id, photos.Select(p => p.Id))).Ok);

        // One job for this photo and this time, due at that minute; the desk note and usage terms never reach a reader.
        var job = Assert.Single(await f.WithDbAsync(db => db.Set<Job>().Where(j => j.Kind == RightsExpiry.JobKind && j.Payload.StartsWith(p0.Id + "@")).ToListAsync()));
        Assert.Equal(until, job.RunAfter);
        var anon = f.Anonymous();
        var media = MediaEndpoints.Url(p0.Id, p0.Renditions.First().Spec);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(media)).StatusCode);
        var showHtml = await anon.GetStringAsync($"/shows/{show.Slug}");
        Assert.Contains($"/media/{p0.Id}/", showHtml);
        Assert.DoesNotContain("invoice #4411", showHtml);
        Assert.DoesNotContain("FW25 coverage only", showHtml);

        // The node restarts before the licence ends; the job is in PostgreSQL, not in memory.
        var g = await f.RestartAsync();
        try
        {
            g.Clock.Advance(until - g.Clock.GetUtcNow());
            // At that minute the rule alone takes it off readers' surfaces, before any job ran: media answer 410.
            var gone = await g.Anonymous().GetAsync(media);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Contains("licence expired", await gone.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await g.Anonymous().GetAsync(Photo.PageUrl(show.Slug, p0.Position))).StatusCode);

            Assert.True(await g.DrainAsync() >= 1);
            await g.DrainAsync(); // nothing left to run: it fired once
            var expired = await g.WithDbAsync(db => db.Set<Photo>().AsNoTracking().SingleAsync(p => p.Id == p0.Id));
            Assert.NotNull(expired.LicenceExpiredAt);
            Assert.Single(await g.AuditAsync("photo", p0.Id), a => a.Action == StudioActions.LicenceExpired);
            Assert.Contains(p0.Id, g.Removal.Left);
            Assert.DoesNotContain($"/media/{p0.Id}/", await g.Anonymous().GetStringAsync($"/shows/{show.Slug}"));
            // Running the job again (a retry after a crash) changes nothing and logs nothing.
            await g.WithScopeAsync(async sp =>
            {
                await sp.GetServices<IJobHandler>().Single(h => h.Kind == RightsExpiry.JobKind).RunAsync(job, default);
                return 0;
            });
            Assert.Single(await g.AuditAsync("photo", p0.Id), a => a.Action == StudioActions.LicenceExpired);

            // Staff still see it, marked, and extend the licence: logged, back on the public page.
            var desk = await g.ClientAsync(Roles.Editor);
            var studio = await desk.GetDocumentAsync(page);
            Assert.Contains("Licence expired", studio.QuerySelector("section.rights")!.TextContent);
            Assert.Equal(HttpStatusCode.OK, (await desk.Http.GetAsync(media)).StatusCode);
            var past = await desk.PostFormAsync(page, [new("ExtendUntilLocal", Local(g, g.Clock.GetUtcNow().AddDays(-1)))], page + "?handler=extendLicence");
            Assert.Equal(HttpStatusCode.OK, past.StatusCode);
            Assert.Contains("not in the future", await past.Content.ReadAsStringAsync());
            var newUntil = WholeMinute(g.Clock.GetUtcNow().AddDays(90));
            var extended = await desk.PostFormAsync(page, [new("ExtendUntilLocal", Local(g, newUntil))], page + "?handler=extendLicence");
            Assert.Equal(HttpStatusCode.Redirect, extended.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await g.Anonymous().GetAsync(media)).StatusCode);
            Assert.Contains($"/media/{p0.Id}/", await g.Anonymous().GetStringAsync($"/shows/{show.Slug}"));
            var back = await g.WithDbAsync(db => db.Set<Photo>().AsNoTracking().SingleAsync(p => p.Id == p0.Id));
            Assert.Equal((newUntil, (DateTimeOffset?)null), (back.ValidUntil!.Value, back.LicenceExpiredAt));
            Assert.Contains(await g.AuditAsync("photo", p0.Id), a => a.Action == StudioActions.ExtendLicence);
            Assert.True(await g.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == RightsExpiry.JobKind && j.Payload == RightsExpiry.Payload(p0.Id, newUntil) && j.State == JobState.Pending)));
        }
        finally
        {
            await g.DisposeAsync();
        }
    }
}

/// <summary>The same desk on a fresh app: bulk edit, presets, the Rights page, CSV, dashboard and the opt-in mail.</summary>
public sealed class RightsOverviewTests(RightsFactory factory) : IClassFixture<RightsFactory>
{
    private Task<(Show Show, List<Photo> Photos)> UploadedAsync(string designer, int count) => UploadAsync(factory, designer, count);

    internal static async Task<(Show Show, List<Photo> Photos)> UploadAsync(RightsFactory f, string designer, int count)
    {
        var show = await f.CreateShowAsync(designer);
        await f.WithDbAsync(db => db.Shows.Where(s => s.Id == show.Id).ExecuteUpdateAsync(x => x.SetProperty(s => s.PublishAt, f.Clock.GetUtcNow().AddDays(-1))));
        var seed = Random.Shared.Next(1000, 1_000_000);
        for (var i = 1; i <= count; i++)
        {
            using var bytes = new MemoryStream(Jpeg(seed + i, 640, 480));
            Assert.True((await f.WithScopeAsync(sp => sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"IMG_{i:0000}.jpg", bytes, default))).Ok);
        }
        await f.DrainAsync();
        await f.FillGateAsync(show.Id);
        return (show, await f.PhotosAsync(show.Id));
    }

    [Fact]
    public async Task Bulk_edit_sets_only_what_is_chosen_on_the_selection_and_logs_each_photo()
    {
        var (show, photos) = await UploadedAsync("Loewe", 3);
        var editor = await factory.ClientAsync(Roles.Editor);
        var url = $"/studio/shows/{show.Id}/rights";
        var page = await editor.GetDocumentAsync(url + $"?ids={photos[0].Id},{photos[1].Id}");
        Assert.Equal(2, page.QuerySelectorAll("input[name=Selected][checked]").Length);
        Assert.NotNull((await editor.GetDocumentAsync(GalleryUrl(show.Id))).QuerySelector($"a[href='{url}']"));

        var nothing = await editor.PostFormAsync(url, [new("Selected", photos[0].Id.ToString())]);
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        var nothingHtml = await nothing.Content.ReadAsStringAsync();
        Assert.True(nothingHtml.Contains("Choose at least one thing to change"), FormClient.Parse(nothingHtml).QuerySelector("main")?.TextContent);
        var none = await editor.PostFormAsync(url, [new("Input.Category", "Agency")]);
        Assert.Contains("Select the photos", await none.Content.ReadAsStringAsync());

        var done = await editor.PostFormAsync(url, [new("Selected", photos[0].Id.ToString()), new("Selected", photos[1].Id.ToString()),
            new("Input.Category", "Handout"), new("Input.Source", "Isabel Marant"), new("Input.NoSocial", "on"), new("Input.NotInSearch", "")]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var after = await factory.PhotosAsync(show.Id);
        Assert.All(after.Take(2), p => Assert.Equal((RightsCategory.Handout, "Isabel Marant", true, false), (p.RightsCategory, p.RightsSource, p.NoSocial, p.NotInSearch)));
        Assert.Equal((RightsCategory.NoRights, false), (after[2].RightsCategory, after[2].NoSocial));
        Assert.Equal("Courtesy of Isabel Marant", after[0].CreditLine);
        foreach (var p in after.Take(2))
            Assert.Single(await factory.AuditAsync("photo", p.Id), a => a.Action == StudioActions.Rights && a.Why!.StartsWith("bulk edit: Category: No rights → Handout / PR"));
        Assert.Empty(await factory.AuditAsync("photo", after[2].Id));
    }

    [Fact]
    public async Task A_credit_preset_with_rights_defaults_sets_them_on_the_selection()
    {
        var (show, photos) = await UploadedAsync("Chloe", 2);
        var editor = await factory.ClientAsync(Roles.Editor);
        var name = "Isabel Marant press office " + Guid.NewGuid().ToString("N")[..6];
        var added = await editor.PostFormAsync("/studio/presets", [new("Input.Name", name), new("Input.Agency", "Isabel Marant"),
            new("Input.Category", "Handout"), new("Input.ValidDays", "90"), new("Input.NoSocial", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var bad = await editor.PostFormAsync("/studio/presets", [new("Input.Name", name + " 2"), new("Input.ValidDays", "0")]);
        Assert.Contains("Valid for: a number of days from 1 to 3650", await bad.Content.ReadAsStringAsync());
        Assert.Contains("valid 90 days from upload", (await editor.GetDocumentAsync("/studio/presets")).Body!.TextContent);
        var preset = await factory.WithDbAsync(db => db.Set<CreditPreset>().SingleAsync(p => p.Name == name));

        var applied = await editor.PostFormAsync($"/studio/shows/{show.Id}/upload",
            [new("PresetId", preset.Id.ToString()), new("Selected", photos[0].Id.ToString())], $"/studio/shows/{show.Id}/upload?handler=preset");
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var after = await factory.PhotosAsync(show.Id);
        var p = after[0];
        Assert.Equal((RightsCategory.Handout, "Isabel Marant", true, p.CreatedAt.AddDays(90)), (p.RightsCategory, p.RightsSource, p.NoSocial, p.ValidUntil!.Value));
        Assert.Equal("Courtesy of Isabel Marant", p.CreditLine);
        Assert.Equal(RightsCategory.NoRights, after[1].RightsCategory);
        Assert.Contains(await factory.AuditAsync("photo", p.Id), a => a.Action == StudioActions.Rights && a.Why!.Contains(name));
        Assert.True(await factory.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == RightsExpiry.JobKind && j.Payload == RightsExpiry.Payload(p.Id, p.ValidUntil!.Value))));
    }

    [Fact]
    public async Task The_rights_page_lists_what_expires_what_is_held_and_restricted_exports_csv_and_the_dashboard_counts_the_week()
    {
        var (show, photos) = await UploadedAsync("Dior", 4);
        var now = factory.Clock.GetUtcNow();
        await factory.WithDbAsync(async db =>
        {
            var rows = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync();
            (rows[0].RightsCategory, rows[0].ValidUntil, rows[0].UsageTerms) = (RightsCategory.Agency, now.AddDays(3), "=HYPERLINK(\"x\")");
            (rows[1].RightsCategory, rows[1].ValidUntil) = (RightsCategory.Agency, now.AddDays(20));
            (rows[2].RightsCategory, rows[2].ValidFrom) = (RightsCategory.Handout, now.AddDays(2));
            (rows[3].RightsCategory, rows[3].NoSocial) = (RightsCategory.Staff, true);
            await db.SaveChangesAsync();
        });
        Assert.True((await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default))).Ok);
        var editor = await factory.ClientAsync(Roles.Editor);
        var page = await editor.GetDocumentAsync("/studio/rights");
        int[] Ids(string section) => page.QuerySelector($"section[aria-labelledby='{section}']")!.QuerySelectorAll("tr[data-photo]")
            .Select(r => int.Parse(r.GetAttribute("data-photo")!)).Where(id => photos.Any(p => p.Id == id)).ToArray();
        Assert.Equal([photos[0].Id], Ids("expiring-7"));
        Assert.Equal([photos[1].Id], Ids("expiring-30"));
        Assert.Equal([photos[2].Id], Ids("held"));
        Assert.Equal([photos[3].Id], Ids("restricted"));
        Assert.Contains("Expiring in 7 days", page.Body!.TextContent);
        Assert.Contains(page.QuerySelectorAll("a.area-nav, nav.area-nav a"), a => a.TextContent.Trim() == "Rights");
        var agency = await editor.GetDocumentAsync("/studio/rights?category=Agency");
        Assert.Contains(agency.QuerySelector("section[aria-labelledby='by-category']")!.QuerySelectorAll("tr[data-photo]"), r => r.GetAttribute("data-photo") == photos[1].Id.ToString());

        var csv = await editor.Http.GetAsync("/studio/rights?handler=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        var line = Assert.Single(lines, l => l.StartsWith(photos[0].Id + ","));
        Assert.Contains(",Agency,", line);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", line); // a formula is defused
        Assert.NotEqual(HttpStatusCode.OK, (await factory.Anonymous().GetAsync("/studio/rights?handler=csv")).StatusCode);

        var dashboard = await editor.GetDocumentAsync("/studio");
        var card = dashboard.QuerySelector("a.card.expiring")!;
        Assert.Contains("expiring in 7 days", card.TextContent);
        Assert.True(int.Parse(card.QuerySelector(".number")!.TextContent) >= 1);
    }

    [Fact]
    public async Task Editors_who_opt_in_get_the_expiring_licences_by_mail_with_an_unsubscribe_link()
    {
        var (show, photos) = await UploadedAsync("Celine", 1);
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photos[0].Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.RightsCategory, RightsCategory.Agency).SetProperty(p => p.ValidUntil, factory.Clock.GetUtcNow().AddDays(2))));
        var optIn = await factory.ClientAsync(Roles.Editor);
        var settings = await optIn.GetDocumentAsync("/account/settings");
        Assert.NotNull(settings.QuerySelector("input[name='Profile.RightsDigest']"));
        var saved = await optIn.PostFormAsync("/account/settings", [new("Profile.DisplayName", "Desk " + Guid.NewGuid().ToString("N")[..6]), new("Profile.RightsDigest", "true")],
            "/account/settings?handler=Profile");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var quiet = await factory.ClientAsync(Roles.Editor);

        var day = await factory.WithScopeAsync(sp => sp.GetRequiredService<RightsDigest>().EnsureScheduledAsync());
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await factory.DrainKindAsync(RightsDigest.JobKind);
        var mails = await factory.WithDbAsync(db => db.Set<OutgoingEmail>().AsNoTracking().Where(m => m.DedupKey!.StartsWith("rights-digest:")).ToListAsync());
        var mail = Assert.Single(mails, m => m.ToAddress == optIn.Email);
        Assert.DoesNotContain(mails, m => m.ToAddress == quiet.Email);
        Assert.StartsWith("Expiring in 7 days", mail.Subject);
        Assert.Contains(photos[0].OriginalFileName, mail.Body);
        Assert.Contains($"/studio/photos/{photos[0].Id}", mail.Body);
        Assert.True(await factory.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == SendEmailHandler.JobKind && j.Payload == mail.Id.ToString("N"))));
        Assert.True(await factory.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == RightsDigest.JobKind && j.Payload == day.AddDays(1).ToString("yyyy-MM-dd") && j.State == JobState.Pending)));

        // The link works without signing in: one button (a POST), then no more mail.
        var unsubscribe = new Uri(mail.UnsubscribeUrl!).PathAndQuery;
        var anon = factory.NewFormClient();
        Assert.Contains("expiring photo licences", (await anon.GetDocumentAsync(unsubscribe)).Body!.TextContent);
        Assert.True((await anon.PostFormAsync(unsubscribe, [])).IsSuccessStatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Email == optIn.Email).Select(u => u.RightsDigest).SingleAsync()));
    }
}
