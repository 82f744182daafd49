using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

public sealed class GalleryUploadTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    [Fact]
    public async Task Bad_files_are_refused_by_name_while_the_good_ones_in_the_same_post_are_stored()
    {
        var show = await factory.CreateShowAsync();
        var editor = await factory.ClientAsync(Roles.Editor);
        var page = await UploadAndShowAsync(editor, show.Id,
            ("backstage-1.jpg", Jpeg(1)),
            ("IMG_0412.svg", Svg),
            ("half.jpg", Truncated(Jpeg(2))),
            ("bomb.png", PixelBomb()));
        var page2 = await UploadAndShowAsync(editor, show.Id,
            ("notes.jpg", Html),
            ("empty.jpg", []),
            ("backstage-2.png", Png(3)));

        var refused = page.QuerySelectorAll(".upload-results .refused").Select(e => e.TextContent.Trim())
            .Concat(page2.QuerySelectorAll(".upload-results .refused").Select(e => e.TextContent.Trim())).ToList();
        var ok = page.QuerySelectorAll(".upload-results .ok").Concat(page2.QuerySelectorAll(".upload-results .ok")).Select(e => e.TextContent.Trim()).ToList();

        Assert.Contains(refused, m => m.StartsWith("IMG_0412.svg: not a supported image (looks like SVG)"));
        Assert.Contains(refused, m => m.StartsWith("half.jpg: ") && m.Length > "half.jpg: ".Length + 5);
        Assert.Contains(refused, m => m.StartsWith("bomb.png: "));
        Assert.Contains(refused, m => m.StartsWith("notes.jpg: not a supported image"));
        Assert.Contains(refused, m => m.StartsWith("empty.jpg: ") && m.Contains("empty"));
        Assert.Equal(5, refused.Count);
        Assert.Equal(2, ok.Count);
        Assert.Contains(ok, m => m.StartsWith("backstage-1.jpg: uploaded"));

        var photos = await factory.PhotosAsync(show.Id);
        Assert.Equal(["backstage-1.jpg", "backstage-2.png"], photos.Select(p => p.OriginalFileName));
        Assert.All(photos, p => Assert.Equal(PhotoStatus.Processing, p.Status));
        // Saving the photo and queueing its render happened together.
        var jobs = await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Kind == "render-photo").Select(j => j.Payload).ToListAsync());
        Assert.All(photos, p => Assert.Contains(p.Id.ToString(), jobs));
        // Refused files are not kept in the private store.
        var originals = Directory.EnumerateFiles(Path.Combine(factory.MediaRoot, "originals"), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).ToHashSet();
        Assert.Superset(photos.Select(p => p.Sha256).ToHashSet(), originals!);
    }

    [Fact]
    public async Task An_iPhone_HEIC_is_uploaded_credited_from_its_EXIF_and_rendered_upright_without_metadata()
    {
        var show = await factory.CreateShowAsync("Mugler");
        var editor = await factory.ClientAsync(Roles.Editor);
        var heic = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Samples", "iphone-hevc-rotated.heic"));
        var page = await UploadAndShowAsync(editor, show.Id, ("IMG_2024.HEIC", heic));
        Assert.Contains(page.QuerySelectorAll(".upload-results .ok"), e => e.TextContent.Trim().StartsWith("IMG_2024.HEIC: uploaded"));

        await factory.DrainAsync();
        var photo = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, photo.Status);
        Assert.True(photo.Height > photo.Width, $"{photo.Width}×{photo.Height}: the HEIF rotation makes it portrait");
        Assert.NotNull(photo.CapturedAt);
        Assert.Equal(TimeSpan.Zero, photo.CapturedAt!.Value.Offset);
        foreach (var r in photo.Renditions)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(factory.MediaRoot, "renditions", photo.Id.ToString(), r.Spec));
            Assert.False(Contains(bytes, "Exif"), r.Spec);
            Assert.False(Contains(bytes, "GPS"), r.Spec);
        }
    }

    [Fact]
    public async Task The_same_file_uploaded_twice_is_stored_once_and_said_so()
    {
        var show = await factory.CreateShowAsync("Gucci");
        var other = await factory.CreateShowAsync("Rochas");
        var editor = await factory.ClientAsync(Roles.Editor);
        var bytes = Jpeg(42);
        await UploadAndShowAsync(editor, show.Id, ("first.jpg", bytes));
        var page = await UploadAndShowAsync(editor, show.Id, ("again.jpg", bytes));
        Assert.Contains("again.jpg: already in this gallery", page.QuerySelector(".upload-results")!.TextContent);
        Assert.Single(await factory.PhotosAsync(show.Id));

        var page2 = await UploadAndShowAsync(editor, other.Id, ("reused.jpg", bytes));
        Assert.Contains("stored once", page2.QuerySelector(".upload-results .ok")!.TextContent);
        var sha = (await factory.PhotosAsync(show.Id))[0].Sha256;
        Assert.Equal(sha, (await factory.PhotosAsync(other.Id))[0].Sha256);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(factory.MediaRoot, "originals"), sha, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_by_name_and_a_request_over_the_limit_gets_413()
    {
        var show = await factory.CreateShowAsync("Mugler");
        var editor = await factory.ClientAsync(Roles.Editor);
        var big = new byte[GalleryFactory.MaxFileBytes + 1];
        Jpeg(5).CopyTo(big, 0);
        var page = await UploadAndShowAsync(editor, show.Id, ("huge.jpg", big), ("fine.jpg", Jpeg(6)));
        Assert.Contains("huge.jpg: larger than 3 MB", page.QuerySelector(".upload-results .refused")!.TextContent);
        Assert.Single(await factory.PhotosAsync(show.Id));

        // 4 files per request × 3 MB + 1 MB form overhead is the request limit.
        var tooMuch = Enumerable.Range(0, 5).Select(i => ($"f{i}.jpg", new byte[GalleryFactory.MaxFileBytes])).ToArray();
        var response = await UploadAsync(editor, show.Id, tooMuch);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Too large", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readers_and_anonymous_visitors_cannot_upload()
    {
        var show = await factory.CreateShowAsync("Chanel");
        var reader = await factory.ClientAsync(Roles.Reader);
        var response = await reader.Http.GetAsync(GalleryUrl(show.Id));
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        var anon = factory.Anonymous();
        var post = await anon.PostAsync(GalleryUrl(show.Id) + "?handler=upload", new MultipartFormDataContent { { new ByteArrayContent(Jpeg(9)), "files", "x.jpg" } });
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        if (post.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/account/login", post.Headers.Location!.ToString());
        Assert.Empty(await factory.PhotosAsync(show.Id));
    }

    [Fact]
    public async Task Upload_with_javascript_answers_json_per_file()
    {
        var show = await factory.CreateShowAsync("Loewe");
        var editor = await factory.ClientAsync(Roles.Editor);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        var token = page.QuerySelector("#gallery-upload-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(Svg), "files", "IMG_0412.svg");
        using var request = new HttpRequestMessage(HttpMethod.Post, GalleryUrl(show.Id) + "?handler=upload") { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Accept.ParseAdd("application/json");
        var response = await editor.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var r = json.RootElement.GetProperty("results")[0];
        Assert.False(r.GetProperty("ok").GetBoolean());
        Assert.StartsWith("IMG_0412.svg: not a supported image (looks like SVG)", r.GetProperty("message").GetString());

        // Without the token the same request is refused.
        using var forged = new HttpRequestMessage(HttpMethod.Post, GalleryUrl(show.Id) + "?handler=upload")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(Jpeg(11)), "files", "a.jpg" } },
        };
        Assert.Equal(HttpStatusCode.BadRequest, (await editor.Http.SendAsync(forged)).StatusCode);
        Assert.Empty(await factory.PhotosAsync(show.Id));
    }
}
