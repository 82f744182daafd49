using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using Backstage.Media;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Storage;
using Backstage.Tests.Shared;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Backstage.Web.Tests.Galleries;

/// <summary>Hosted workers off (tests drive the queue), immediate retries, small upload limits.</summary>
public class GalleryFactory : BackstageFactory
{
    public const long MaxFileBytes = 3 * 1024 * 1024;

    public GalleryFactory() { }
    protected GalleryFactory(GalleryFactory previous) : base(previous) { }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Backstage:Jobs:Workers", "0");
        builder.UseSetting("Backstage:Jobs:MaxAttempts", "3");
        builder.UseSetting("Backstage:Jobs:RetryBaseDelay", "00:00:00");
        builder.UseSetting("Backstage:Media:MaxFileBytes", MaxFileBytes.ToString());
        builder.UseSetting("Backstage:Media:MaxFilesPerUpload", "4");
        // Keep renders quick: fewer widths, no AVIF except the smallest.
        builder.UseSetting("Backstage:Media:Widths:0", "320");
        builder.UseSetting("Backstage:Media:Widths:1", "640");
        builder.UseSetting("Backstage:Media:AvifWidths:0", "320");
        builder.UseSetting("Backstage:Media:ReadyMaxWidth", "320"); // so that w640 waits for the follow-up render, like 1920 in production
    }

    public JobQueue Queue => Services.GetRequiredService<JobQueue>();

    /// <summary>Runs due jobs until none is left; returns how many ran.</summary>
    public async Task<int> DrainAsync(string worker = "test-worker")
    {
        int n = 0;
        while (await Queue.RunOnceAsync(worker)) n++;
        return n;
    }

    /// <summary>Runs due jobs of one kind until none is left (e.g. upload completions without the renders they queue).</summary>
    public async Task<int> DrainKindAsync(string kind, string worker = "test-worker")
    {
        int n = 0;
        while (await Queue.RunOnceAsync(worker, kind: kind)) n++;
        return n;
    }

    /// <summary>A live (Published) show unless told otherwise.</summary>
    public async Task<Show> CreateShowAsync(string designer = "Dior", ShowStatus status = ShowStatus.Published)
    {
        var show = new Show
        {
            Status = status, PublishAt = status == ShowStatus.Draft ? null : DateTimeOffset.UtcNow.AddMinutes(-1),
            Designer = designer, Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 3),
            Slug = $"{designer.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        await WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        return show;
    }

    public Task<List<Photo>> PhotosAsync(int showId) => WithDbAsync(db =>
        db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == showId).OrderBy(p => p.Position).ToListAsync());

    public string MediaRoot => Path.Combine(DataDirectory, "media");

    public IMediaStore Store => Services.GetRequiredService<IMediaStore>();

    /// <summary>Files of the default file-system store.</summary>
    public string OriginalPath(string sha256) => Store.LocalPath(MediaKeys.Original(sha256))!;

    public string RenditionPath(int photoId, string spec) => Store.LocalPath(MediaKeys.Rendition(photoId, spec))!;
}

internal static class GalleryTestKit
{
    public static string GalleryUrl(int showId) => $"/studio/shows/{showId}/gallery";

    /// <summary>Posts files to the upload handler the way the no-JS form does (one multipart request).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(FormClient client, int showId, params (string Name, byte[] Bytes)[] files)
    {
        var page = await client.GetDocumentAsync(GalleryUrl(showId));
        var token = page.QuerySelector("#gallery-upload-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new("application/octet-stream");
            content.Add(part, "files", name);
        }
        return await client.Http.PostAsync(GalleryUrl(showId) + "?handler=upload", content);
    }

    /// <summary>Uploads, follows the redirect and returns the page with the per-file results.</summary>
    public static async Task<IHtmlDocument> UploadAndShowAsync(FormClient client, int showId, params (string Name, byte[] Bytes)[] files)
    {
        var response = await UploadAsync(client, showId, files);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await client.GetDocumentAsync(GalleryUrl(showId));
    }

    /// <summary>
    /// The editing form's current fields (as a browser would send them) with overrides, posted to one button's handler:
    /// "save", "publishAll", or "cover:12" (handler and photo id).
    /// </summary>
    public static async Task<HttpResponseMessage> PostEditorAsync(FormClient client, int showId, string command, Action<Dictionary<string, string>>? edit = null,
        string? filter = null)
    {
        var page = await client.GetDocumentAsync(GalleryUrl(showId) + (filter is null ? "" : "?filter=" + filter));
        var form = page.QuerySelector("form.gallery-editor")!;
        var fields = new Dictionary<string, string>();
        foreach (var el in form.QuerySelectorAll("input[name], textarea[name]"))
        {
            var name = el.GetAttribute("name")!;
            if (el is IHtmlInputElement input)
            {
                if (input.Type is "checkbox" && !input.IsChecked) continue;
                fields[name] = input.Value;
            }
            else if (el is IHtmlTextAreaElement ta) fields[name] = ta.Value;
        }
        edit?.Invoke(fields);
        var parts = command.Split(':');
        var url = GalleryUrl(showId) + "?handler=" + parts[0] + (parts.Length > 1 ? "&photo=" + parts[1] : "") + (parts.Length > 2 ? "&by=" + parts[2] : "");
        return await client.Http.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    public static int IndexOf(IHtmlDocument page, int photoId)
    {
        var ids = page.QuerySelectorAll("form.gallery-editor input[name$='.Id']").Select(e => int.Parse(e.GetAttribute("value")!)).ToList();
        return ids.IndexOf(photoId);
    }

    public static byte[] Jpeg(int seed, int w = 900, int h = 600)
    {
        using var img = DemoImages.Build(seed, w, h);
        return img.JpegsaveBuffer(q: 85, keep: Enums.ForeignKeep.None);
    }

    public static byte[] Png(int seed, int w = 500, int h = 400)
    {
        using var img = DemoImages.Build(seed, w, h);
        return img.PngsaveBuffer(keep: Enums.ForeignKeep.None);
    }

    public static byte[] Svg => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><script>alert(document.cookie)</script><rect width=\"100\" height=\"100\"/></svg>");

    public static byte[] Html => Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");

    public static byte[] Truncated(byte[] jpeg) => jpeg[..(jpeg.Length / 2)];

    /// <summary>A real ~100 KB PNG whose header claims width×height (CRC fixed).</summary>
    public static byte[] PixelBomb(int claimedWidth = 30000, int claimedHeight = 30000) => CraftedImages.PixelBombPng(claimedWidth, claimedHeight);

    /// <summary>A JPEG carrying EXIF with Artist, Copyright and GPS coordinates.</summary>
    public static byte[] JpegWithExif(int seed, string artist, string copyright) =>
        CraftedImages.WithExif(Jpeg(seed), CraftedImages.BuildExif(1, "Canon", "EOS R5", artist, copyright, "2026:02:14 19:30:05", "+01:00"));

    public static bool Contains(byte[] haystack, string ascii) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;
}
