using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>The product's defaults (a new upload is "No rights") and a clock the test moves.</summary>
public sealed class RightsFactory : GalleryFactory
{
    public ManualClock Clock { get; } = new();
    protected override string NewPhotoCategory => "NoRights";

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Issue 19: the rights record, the publish gate's rights rules and "deny wins" per surface — real PostgreSQL, real photos.</summary>
public sealed class RightsTests(RightsFactory factory) : IClassFixture<RightsFactory>
{
    private async Task<(Show Show, List<Photo> Photos)> UploadedAsync(string designer, int count)
    {
        var show = await factory.CreateShowAsync(designer);
        await factory.WithDbAsync(db => db.Shows.Where(s => s.Id == show.Id).ExecuteUpdateAsync(x => x.SetProperty(s => s.PublishAt, factory.Clock.GetUtcNow().AddDays(-1))));
        var editor = await factory.ClientAsync(Roles.Editor);
        var seed = Random.Shared.Next(1000, 1_000_000);
        await UploadAndShowAsync(editor, show.Id, Enumerable.Range(1, count).Select(i => ($"IMG_{i:0000}.jpg", Jpeg(seed + i, 640, 480))).ToArray());
        await factory.DrainAsync();
        await factory.FillGateAsync(show.Id);
        return (show, await factory.PhotosAsync(show.Id));
    }

    private Task SetAsync(int photoId, RightsCategory? category = null, DateTimeOffset? validFrom = null, DateTimeOffset? validUntil = null, bool noSocial = false, bool notInSearch = false) =>
        factory.WithDbAsync(async db =>
        {
            var p = await db.Set<Photo>().SingleAsync(x => x.Id == photoId);
            if (category is { } c) p.RightsCategory = c;
            (p.ValidFrom, p.ValidUntil, p.NoSocial, p.NotInSearch) = (validFrom, validUntil, noSocial, notInSearch);
            await db.SaveChangesAsync();
        });

    private Task<List<int>> PublicIdsAsync(int showId, Surface surface = Surface.Page) => factory.WithScopeAsync(sp =>
        sp.GetRequiredService<GalleryVisibility>().PublicPhotos(surface).Where(p => p.ShowId == showId).OrderBy(p => p.Position).Select(p => p.Id).ToListAsync());

    [Fact]
    public async Task A_new_upload_has_no_rights_and_the_gate_refuses_it_and_an_expired_licence_naming_photo_and_reason()
    {
        var (show, photos) = await UploadedAsync("Chloe", 2);
        Assert.All(photos, p => Assert.Equal(RightsCategory.NoRights, p.RightsCategory));

        var refused = await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default));
        Assert.False(refused.Ok);
        Assert.Equal(["At Chloe, photo 1 (IMG_0001.jpg): no rights (choose a rights category).",
                      "At Chloe, photo 2 (IMG_0002.jpg): no rights (choose a rights category)."], refused.Problems);

        var now = factory.Clock.GetUtcNow();
        await SetAsync(photos[0].Id, category: RightsCategory.Agency);
        await SetAsync(photos[1].Id, category: RightsCategory.Handout, validUntil: now.AddMinutes(-1));
        refused = await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default));
        Assert.False(refused.Ok);
        var only = Assert.Single(refused.Problems);
        Assert.StartsWith("At Chloe, photo 2 (IMG_0002.jpg): licence expired (", only);
        Assert.Empty(await PublicIdsAsync(show.Id)); // refused means none was published

        var published = await factory.EditorAsync(e => e.PublishAsync(show.Id, [photos[0].Id], DeskTestKit.Desk, default));
        Assert.True(published.Ok, published.Message);
        Assert.Equal([photos[0].Id], await PublicIdsAsync(show.Id));
    }

    [Fact]
    public async Task Valid_from_holds_a_published_photo_back_and_valid_until_takes_it_off_at_that_minute_media_included()
    {
        var (show, photos) = await UploadedAsync("Celine", 2);
        var now = factory.Clock.GetUtcNow();
        await SetAsync(photos[0].Id, category: RightsCategory.Staff, validFrom: now.AddMinutes(10));
        await SetAsync(photos[1].Id, category: RightsCategory.Agency, validUntil: now.AddMinutes(30));
        var published = await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default));
        Assert.True(published.Ok, string.Join(" ", published.Problems));

        var anon = factory.Anonymous();
        var held = MediaEndpoints.Url(photos[0].Id, photos[0].Renditions.First().Spec);
        var licensed = MediaEndpoints.Url(photos[1].Id, photos[1].Renditions.First().Spec);
        Assert.Equal([photos[1].Id], await PublicIdsAsync(show.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync(held)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(licensed)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(10)); // "valid from" reached: released at the minute
        Assert.Equal([photos[0].Id, photos[1].Id], await PublicIdsAsync(show.Id));

        factory.Clock.Advance(TimeSpan.FromMinutes(20)); // "valid until" reached: gone at the minute
        Assert.Equal([photos[0].Id], await PublicIdsAsync(show.Id));
        Assert.NotEqual(HttpStatusCode.OK, (await anon.GetAsync(licensed)).StatusCode);
    }

    [Fact]
    public async Task Deny_wins_a_restriction_removes_a_public_photo_from_its_surface_only()
    {
        var (show, photos) = await UploadedAsync("Valentino", 3);
        await SetAsync(photos[0].Id, category: RightsCategory.Agency, noSocial: true);
        await SetAsync(photos[1].Id, category: RightsCategory.Agency, notInSearch: true);
        await SetAsync(photos[2].Id, category: RightsCategory.Staff);
        Assert.True((await factory.EditorAsync(e => e.PublishAsync(show.Id, photos.Select(p => p.Id).ToList(), DeskTestKit.Desk, default))).Ok);

        Assert.Equal(photos.Select(p => p.Id), await PublicIdsAsync(show.Id, Surface.Page));
        Assert.Equal([photos[1].Id, photos[2].Id], await PublicIdsAsync(show.Id, Surface.Social));
        Assert.Equal([photos[0].Id, photos[2].Id], await PublicIdsAsync(show.Id, Surface.Search));
        Assert.Equal(photos.Select(p => p.Id), await PublicIdsAsync(show.Id, Surface.Newsletter));

        // The call sites ask for their surface: photo 1 (the cover) is "No social", so og:image is photo 2's; photo 2 is
        // "Not in search or sitemaps", so the image sitemap lists photos 1 and 3 only.
        var anon = factory.Anonymous();
        var page = FormClient.Parse(await anon.GetStringAsync($"/shows/{show.Slug}"));
        Assert.Equal(3, page.QuerySelectorAll("figure.gallery-photo").Length);
        var og = page.QuerySelector("meta[property='og:image']")?.GetAttribute("content");
        Assert.NotNull(og);
        Assert.Contains($"/media/{photos[1].Id}/", og);
        Assert.DoesNotContain($"/media/{photos[0].Id}/", page.QuerySelector("script[type='application/ld+json']")?.TextContent ?? "");
        var sitemap = await anon.GetStringAsync("/sitemap.xml");
        Assert.Contains(Photo.PageUrl(show.Slug, 1) + "<", sitemap);
        Assert.DoesNotContain(Photo.PageUrl(show.Slug, 2) + "<", sitemap);
        Assert.Contains(Photo.PageUrl(show.Slug, 3) + "<", sitemap);
    }

    [Fact]
    public void The_public_credit_line_comes_from_the_rights()
    {
        var staff = new Photo { Credit = "Camille Martin", Agency = "Backstage Pictures", RightsCategory = RightsCategory.Staff };
        Assert.Equal("Photo: Camille Martin / Backstage Pictures", staff.CreditLine);
        var handout = new Photo { Credit = "Press office", RightsCategory = RightsCategory.Handout, RightsSource = "Isabel Marant" };
        Assert.Equal("Courtesy of Isabel Marant", handout.CreditLine);
        Assert.Equal("© Isabel Marant", handout.CopyrightNotice);
    }
}
