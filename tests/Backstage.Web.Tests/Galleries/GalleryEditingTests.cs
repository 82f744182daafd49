using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

public sealed class GalleryEditingTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    private async Task<(Shows.Show Show, FormClient Editor, List<Photo> Photos)> GalleryAsync(string designer, int count, bool render = true)
    {
        var show = await factory.CreateShowAsync(designer);
        var editor = await factory.ClientAsync(Roles.Editor);
        var seed = Random.Shared.Next(1000, 1_000_000);
        await UploadAndShowAsync(editor, show.Id, Enumerable.Range(1, count).Select(i => ($"IMG_{i:0000}.jpg", Jpeg(seed + i, 640, 480))).ToArray());
        if (render) await factory.DrainAsync();
        return (show, editor, await factory.PhotosAsync(show.Id));
    }

    [Fact]
    public async Task The_shows_list_says_each_show_s_state_and_what_its_gallery_still_needs_linked_to_the_filters()
    {
        var (show, editor, photos) = await GalleryAsync("Alaïa", 3);
        Assert.Equal(HttpStatusCode.Redirect, (await PostEditorAsync(editor, show.Id, $"publish:{photos[0].Id}", f =>
        {
            f["Items[0].AltText"] = "Hair and make-up before the show";
            f["Items[0].Credit"] = "Søren Ødegaard";
            f["Items[1].Credit"] = "Søren Ødegaard";
        })).StatusCode);

        var page = await editor.GetDocumentAsync("/studio/shows");
        var row = page.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Contains("Alaïa"));
        Assert.StartsWith("Live since ", row.QuerySelector(".show-state")!.TextContent.Trim()); // the kit creates published shows
        var cell = row.QuerySelector(".show-photos")!;
        var links = cell.QuerySelectorAll("a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal($"/studio/shows/{show.Id}/gallery?filter=unpublished", links["2 unpublished"]);
        Assert.Equal($"/studio/shows/{show.Id}/gallery?filter=needs-alt", links["2 need alt text"]);
        Assert.Equal($"/studio/shows/{show.Id}/gallery?filter=needs-credit", links["1 need credit"]);
        Assert.StartsWith("3,", cell.TextContent.Trim());
    }

    [Fact]
    public async Task Move_to_position_puts_the_photo_there_and_the_others_close_up()
    {
        var (show, editor, photos) = await GalleryAsync("Rochas", 4, render: false);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        var move = page.QuerySelector("form#move-to")!;
        Assert.Equal("Move to position", move.QuerySelector("button")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(GalleryUrl(show.Id), [new("position", "1")],
            $"{GalleryUrl(show.Id)}?handler=moveTo&photo={photos[3].Id}")).StatusCode);
        Assert.Equal([photos[3].Id, photos[0].Id, photos[1].Id, photos[2].Id], (await factory.PhotosAsync(show.Id)).Select(p => p.Id));
        // A number past the end is the last place.
        await editor.PostFormAsync(GalleryUrl(show.Id), [new("position", "99")], $"{GalleryUrl(show.Id)}?handler=moveTo&photo={photos[3].Id}");
        var saved = await factory.PhotosAsync(show.Id);
        Assert.Equal([photos[0].Id, photos[1].Id, photos[2].Id, photos[3].Id], saved.Select(p => p.Id));
        Assert.Equal([1, 2, 3, 4], saved.Select(p => p.Position));
    }

    [Fact]
    public async Task Per_photo_saves_move_bulk_credit_cover_and_delete()
    {
        var (show, editor, photos) = await GalleryAsync("Dior", 3);
        Assert.Equal(3, photos.Count);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));

        // Three photos' fields, each saved by its own small POST (the kit posts one per changed photo).
        var response = await PostEditorAsync(editor, show.Id, "save", f =>
        {
            f[$"Items[{IndexOf(page, photos[0].Id)}].AltText"] = "A model in a white robe";
            f[$"Items[{IndexOf(page, photos[1].Id)}].Decorative"] = "true";
            f[$"Items[{IndexOf(page, photos[2].Id)}].Caption"] = "Final checks";
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await factory.PhotosAsync(show.Id);
        Assert.Equal("A model in a white robe", saved[0].AltText);
        Assert.True(saved[1].Decorative);
        Assert.Equal("Final checks", saved[2].Caption);

        // Move the last photo up, keeping what was typed.
        await PostEditorAsync(editor, show.Id, $"move:{photos[2].Id}:-1", f => f[$"Items[{IndexOf(page, photos[0].Id)}].Credit"] = "Typed Before Moving");
        var moved = await factory.PhotosAsync(show.Id);
        Assert.Equal([photos[0].Id, photos[2].Id, photos[1].Id], moved.Select(p => p.Id));
        Assert.Equal([1, 2, 3], moved.Select(p => p.Position));
        Assert.Equal("Typed Before Moving", moved[0].Credit);

        // Bulk credit the two selected photos.
        page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        await PostEditorAsync(editor, show.Id, "creditSelected", f =>
        {
            f[$"Items[{IndexOf(page, photos[1].Id)}].Selected"] = "true";
            f[$"Items[{IndexOf(page, photos[2].Id)}].Selected"] = "true";
            f["BulkCredit"] = "Jane Doe";
            f["BulkAgency"] = "Backstage Pictures";
        });
        var credited = (await factory.PhotosAsync(show.Id)).ToDictionary(p => p.Id);
        Assert.Equal("Typed Before Moving", credited[photos[0].Id].Credit);
        Assert.Equal("Photo: Jane Doe / Backstage Pictures", credited[photos[1].Id].CreditLine);
        Assert.Equal("Photo: Jane Doe / Backstage Pictures", credited[photos[2].Id].CreditLine);

        // Cover, then delete the cover.
        await PostEditorAsync(editor, show.Id, $"cover:{photos[1].Id}");
        Assert.Equal(photos[1].Id, await factory.WithDbAsync(db => db.Set<Gallery>().Where(g => g.ShowId == show.Id).Select(g => g.CoverPhotoId).SingleAsync()));
        // The cover is in use: the gallery's Delete asks first (on the photo's page), "Delete anyway" deletes.
        var ask = await PostEditorAsync(editor, show.Id, $"delete:{photos[1].Id}");
        Assert.Equal($"/studio/photos/{photos[1].Id}?confirm=delete", ask.Headers.Location!.OriginalString);
        var confirm = await editor.GetDocumentAsync(ask.Headers.Location.OriginalString);
        Assert.Contains("Cover of At Dior", confirm.QuerySelector("[role=alert]")!.TextContent);
        await editor.PostFormAsync(ask.Headers.Location.OriginalString, [new("confirmed", "true")], $"/studio/photos/{photos[1].Id}?handler=delete");
        var left = await factory.PhotosAsync(show.Id);
        Assert.Equal([photos[0].Id, photos[2].Id], left.Select(p => p.Id));
        Assert.Equal([1, 2], left.Select(p => p.Position));
        Assert.Null(await factory.WithDbAsync(db => db.Set<Gallery>().Where(g => g.ShowId == show.Id).Select(g => g.CoverPhotoId).SingleAsync()));
    }

    [Fact]
    public async Task Over_posting_and_photos_of_other_shows_are_ignored()
    {
        var (show, editor, photos) = await GalleryAsync("Gucci", 1, render: false);
        var (other, _, otherPhotos) = await GalleryAsync("Rochas", 1, render: false);
        var response = await PostEditorAsync(editor, show.Id, "save", f =>
        {
            f["Items[0].Status"] = "Ready";
            f["Items[0].Sha256"] = new string('0', 64);
            f["Items[0].ShowId"] = other.Id.ToString();
            f["Items[0].Position"] = "99";
            f["Items[1].Id"] = otherPhotos[0].Id.ToString();
            f["Items[1].Caption"] = "hijacked";
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mine = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Processing, mine.Status);
        Assert.Equal(photos[0].Sha256, mine.Sha256);
        Assert.Equal(1, mine.Position);
        Assert.Null(Assert.Single(await factory.PhotosAsync(other.Id)).Caption);
        // A command naming another show's photo is refused.
        Assert.Equal(HttpStatusCode.NotFound, (await PostEditorAsync(editor, show.Id, $"delete:{otherPhotos[0].Id}")).StatusCode);
        Assert.Single(await factory.PhotosAsync(other.Id));
    }

    [Fact]
    public async Task Changing_the_focal_point_renders_new_crops_under_a_new_url()
    {
        var (show, editor, photos) = await GalleryAsync("Mugler", 1);
        var before = Assert.Single(photos);
        Assert.Contains(before.Renditions, r => r.Spec == "f500-500/fill-1200x630.jpg");
        await PostEditorAsync(editor, show.Id, "save", f => { f["Items[0].FocalX"] = "20"; f["Items[0].FocalY"] = "30"; });
        Assert.Equal(1, await factory.DrainAsync());
        var after = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal("f200-300", after.RenderedFocalKey);
        Assert.Contains(after.Renditions, r => r.Spec == "f200-300/fill-1200x630.jpg");
        Assert.DoesNotContain(after.Renditions, r => r.Spec.StartsWith("f500-500/"));
        Assert.Equal(before.Renditions.Count, after.Renditions.Count);
    }

    [Fact]
    public async Task The_publish_gate_names_each_photo_that_is_not_ready_for_readers_and_the_article_then_shows_the_gallery()
    {
        var (show, editor, photos) = await GalleryAsync("Marni", 3);
        var slug = "gate-" + Guid.NewGuid().ToString("N")[..8];
        var body = $"Intro.\n\n::: gallery {show.Slug}\n";
        var response = await editor.PostActionAsync("/studio/articles/edit", "publish",
            ("Input.Title", "Gate test"), ("Input.Slug", slug), ("Input.Body", body));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = FormClient.Parse(html).QuerySelector(".errors")!.TextContent;
        Assert.Contains("At Marni, photo 1 (IMG_0001.jpg): no alt text", errors);
        Assert.Contains("At Marni, photo 3 (IMG_0003.jpg): no alt text", errors);
        Assert.Contains("no photographer credit", errors);
        Assert.False(await factory.WithDbAsync(db => db.Articles.AnyAsync(a => a.Slug == slug && a.Status == ArticleStatus.Published)));

        // Fix all but photo 2's alt text: the gate names only that one.
        await PostEditorAsync(editor, show.Id, "creditSelected", f =>
        {
            for (int i = 0; i < 3; i++) f[$"Items[{i}].Selected"] = "true";
            f["Items[0].AltText"] = "Hair being set";
            f["Items[2].Decorative"] = "true";
            f["BulkCredit"] = "Jane Doe";
        });
        response = await editor.PostActionAsync("/studio/articles/edit", "publish",
            ("Input.Title", "Gate test"), ("Input.Slug", slug), ("Input.Body", body));
        errors = FormClient.Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent;
        Assert.Contains("At Marni, photo 2 (IMG_0002.jpg): no alt text", errors);
        Assert.DoesNotContain("photo 1", errors);
        Assert.DoesNotContain("photo 3", errors);
        Assert.DoesNotContain("credit", errors);

        // Readers cannot see the unpublished gallery's photos, by show page or by id.
        var anon = factory.Anonymous();
        var showPage = FormClient.Parse(await anon.GetStringAsync($"/shows/{show.Slug}"));
        Assert.Null(showPage.QuerySelector("picture"));
        var anyRendition = photos[0].Renditions.First().Spec;
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync(MediaEndpoints.Url(photos[0].Id, anyRendition))).StatusCode);

        await PostEditorAsync(editor, show.Id, "save", f => f["Items[1].AltText"] = "Make-up artist at work");
        response = await editor.PostActionAsync("/studio/articles/edit", "publish",
            ("Input.Title", "Gate test"), ("Input.Slug", slug), ("Input.Body", body));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        // Publishing the article published none of the gallery's photos; the editor's explicit "Publish its ready photos
        // too" does: <picture> with AVIF/WebP sources, eager first image, credit lines.
        Assert.Empty(FormClient.Parse(await anon.GetStringAsync($"/articles/{slug}")).QuerySelectorAll("figure.gallery-photo"));
        var saved = await factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Slug == slug));
        var edit = FormClient.Parse(await editor.Http.GetStringAsync($"/studio/articles/edit/{saved.Id}"));
        var publishPhotos = edit.QuerySelector("button[aria-label='Publish its ready photos too: At Marni']")!.Closest("form")!.GetAttribute("action")!;
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync($"/studio/articles/edit/{saved.Id}", [], publishPhotos)).StatusCode);
        var article = FormClient.Parse(await anon.GetStringAsync($"/articles/{slug}"));
        var figures = article.QuerySelectorAll("figure.gallery-photo");
        Assert.Equal(3, figures.Length);
        Assert.NotNull(figures[0].QuerySelector("picture source[type='image/avif'][srcset]"));
        Assert.NotNull(figures[0].QuerySelector("picture source[type='image/webp'][srcset]"));
        var first = figures[0].QuerySelector("img")!;
        Assert.Equal("eager", first.GetAttribute("loading"));
        Assert.Equal("high", first.GetAttribute("fetchpriority"));
        Assert.Equal("Hair being set", first.GetAttribute("alt"));
        Assert.Contains("data:image", figures[0].QuerySelector("svg")!.OuterHtml); // the blurred placeholder under the picture
        Assert.Equal("lazy", figures[1].QuerySelector("img")!.GetAttribute("loading"));
        Assert.Equal("", figures[2].QuerySelector("img")!.GetAttribute("alt"));
        Assert.Equal("Photo: Jane Doe", figures[0].QuerySelector(".credit")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync(first.GetAttribute("src"))).StatusCode);
        var showPublic = FormClient.Parse(await anon.GetStringAsync($"/shows/{show.Slug}"));
        Assert.Equal(3, showPublic.QuerySelectorAll("figure.gallery-photo picture").Length);
        var og = new Uri(showPublic.QuerySelector("meta[property='og:image']")!.GetAttribute("content")!);
        Assert.EndsWith("/f500-500/fill-1200x630.jpg", og.AbsolutePath);
        Assert.Equal("image/jpeg", (await anon.GetAsync(og.PathAndQuery)).Content.Headers.ContentType!.MediaType);
    }
}

public sealed class MediaSweeperTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    [Fact]
    public async Task The_sweeper_removes_old_orphan_files_and_keeps_renditions_with_rows_and_recent_files()
    {
        var show = await factory.CreateShowAsync("Valentino");
        var editor = await factory.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, ("kept.jpg", Jpeg(77, 640, 480)));
        await factory.DrainAsync();
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        var old = DateTime.UtcNow.AddDays(-1);

        var kept = factory.RenditionPath(photo.Id, "w640.jpg");
        File.SetLastWriteTimeUtc(kept, old);
        var staleCrop = factory.RenditionPath(photo.Id, "f100-100/fill-1200x630.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(staleCrop)!);
        await File.WriteAllTextAsync(staleCrop, "old crop");
        File.SetLastWriteTimeUtc(staleCrop, old);
        var deletedPhoto = factory.RenditionPath(999_999, "w320.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(deletedPhoto)!);
        await File.WriteAllTextAsync(deletedPhoto, "orphan");
        File.SetLastWriteTimeUtc(deletedPhoto, old);
        var fresh = factory.RenditionPath(999_998, "w320.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
        await File.WriteAllTextAsync(fresh, "being written");
        var tempUpload = Path.Combine(factory.DataDirectory, "spool", ".upload-abandoned.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(tempUpload)!);
        await File.WriteAllTextAsync(tempUpload, "half an upload");
        File.SetLastWriteTimeUtc(tempUpload, old);

        var removed = await factory.Services.GetRequiredService<MediaSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(3, removed);
        Assert.True(File.Exists(kept));
        Assert.True(File.Exists(fresh));
        Assert.False(File.Exists(staleCrop));
        Assert.False(File.Exists(deletedPhoto));
        Assert.False(File.Exists(tempUpload));
        Assert.True(File.Exists(factory.OriginalPath(photo.Sha256)));
    }
}
