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

    private static readonly string[] SheetFields = ["AltText", "Caption", "Credit", "Agency", "Decorative", "FocalX", "FocalY"];

    /// <summary>The antiforgery token of the contact sheet's forms.</summary>
    public static string Token(IHtmlDocument page) => (page.QuerySelector("#inspector-form input[name=__RequestVerificationToken]")
        ?? page.QuerySelector("input[name=__RequestVerificationToken]"))!.GetAttribute("value")!;

    /// <summary>
    /// What the old one-form editor posted, on the contact sheet: the grid's photos as "Items[i].Field" (i = place in the
    /// grid; Decorative only when set, like a checkbox), changed by <paramref name="edit"/>. Each photo whose fields
    /// changed is saved by its own inspector POST (only those fields, with their original values); "Items[i].Selected"
    /// becomes the selection, BulkCredit/BulkAgency a confirmed "Replace" credit template; then <paramref name="command"/>
    /// runs: "save" (nothing more), "publishAll", "cover:12" (handler and photo id) or "move:12:-1" (a place up).
    /// Returns the last response (the first refused one).
    /// </summary>
    public static async Task<HttpResponseMessage> PostEditorAsync(FormClient client, int showId, string command, Action<Dictionary<string, string>>? edit = null,
        string? filter = null)
    {
        var query = filter is null ? "" : "filter=" + filter;
        var page = await client.GetDocumentAsync(GalleryUrl(showId) + (query == "" ? "" : "?" + query));
        var token = Token(page);
        var cells = page.QuerySelectorAll(".sheet-cell").ToList();
        var fields = new Dictionary<string, string>();
        for (int i = 0; i < cells.Count; i++)
        {
            fields[$"Items[{i}].Id"] = cells[i].GetAttribute("data-id")!;
            foreach (var f in SheetFields)
            {
                var v = cells[i].GetAttribute("data-" + f.ToLowerInvariant()) ?? "";
                if (f == "Decorative") { if (v == "true") fields[$"Items[{i}].Decorative"] = "true"; }
                else fields[$"Items[{i}].{f}"] = v;
            }
        }
        var before = new Dictionary<string, string>(fields);
        edit?.Invoke(fields);
        var sep = query == "" ? "?" : "?" + query + "&";
        HttpResponseMessage? last = null;
        for (int i = 0; i < cells.Count; i++)
        {
            var id = before[$"Items[{i}].Id"];
            if (fields.GetValueOrDefault($"Items[{i}].Id") != id) continue; // over-posting of ids is the server's business, not this shim's
            var form = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", token) };
            foreach (var f in SheetFields)
            {
                var k = $"Items[{i}].{f}";
                string Val(Dictionary<string, string> d) => f == "Decorative" ? (d.GetValueOrDefault(k) == "true" ? "true" : "false") : d.GetValueOrDefault(k) ?? "";
                if (Val(before) == Val(fields)) continue;
                form.Add(new("Inspector." + f, Val(fields)));
                form.Add(new("Inspector.Original" + f, Val(before)));
            }
            if (form.Count == 1) continue;
            last = await client.Http.PostAsync(GalleryUrl(showId) + sep + "handler=savePhoto&photo=" + id, new FormUrlEncodedContent(form));
            if (last.StatusCode != HttpStatusCode.Redirect) return last;
        }
        var selection = Enumerable.Range(0, cells.Count).Where(i => fields.GetValueOrDefault($"Items[{i}].Selected") == "true")
            .Select(i => new KeyValuePair<string, string>("Selection", fields[$"Items[{i}].Id"])).ToList();
        if (fields.ContainsKey("BulkCredit") || fields.ContainsKey("BulkAgency"))
        {
            var template = new List<KeyValuePair<string, string>>(selection) { new("__RequestVerificationToken", token), new("Template.Replace", "true") };
            if (fields.TryGetValue("BulkCredit", out var c)) template.Add(new("Template.Credit", c));
            if (fields.TryGetValue("BulkAgency", out var a)) template.Add(new("Template.Agency", a));
            last = await client.Http.PostAsync(GalleryUrl(showId) + sep + "handler=applyTemplate", new FormUrlEncodedContent(template));
            if (last.StatusCode == HttpStatusCode.OK && FormClient.Parse(await last.Content.ReadAsStringAsync())
                    .QuerySelector("[name='Template.ConfirmOverwrites']")?.GetAttribute("value") is { } confirm)
                last = await client.Http.PostAsync(GalleryUrl(showId) + sep + "handler=applyTemplate",
                    new FormUrlEncodedContent(template.Append(new("Template.ConfirmOverwrites", confirm))));
            if (last.StatusCode != HttpStatusCode.Redirect) return last;
        }
        var parts = command.Split(':');
        if (parts[0] is "save" or "creditSelected") return last ?? new HttpResponseMessage(HttpStatusCode.Redirect);
        var url = GalleryUrl(showId) + sep + "handler=" + parts[0] + (parts.Length > 1 ? "&photo=" + parts[1] : "");
        var body = new List<KeyValuePair<string, string>>(selection) { new("__RequestVerificationToken", token) };
        if (parts[0] == "move")
        {
            var at = cells.FindIndex(c => c.GetAttribute("data-id") == parts[1]);
            url = GalleryUrl(showId) + sep + "handler=moveTo&photo=" + parts[1];
            body.Add(new("position", (int.Parse(cells[at].GetAttribute("data-n")!) + int.Parse(parts[2])).ToString()));
        }
        return await client.Http.PostAsync(url, new FormUrlEncodedContent(body));
    }

    /// <summary>Posts one inspector save: the given fields with their original values.</summary>
    public static async Task<HttpResponseMessage> SavePhotoAsync(FormClient client, int showId, int photoId, IHtmlDocument page,
        params (string Field, string? Original, string Value)[] fields)
    {
        var form = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", Token(page)) };
        foreach (var (f, original, value) in fields)
        {
            form.Add(new("Inspector." + f, value));
            form.Add(new("Inspector.Original" + f, original ?? ""));
        }
        return await client.Http.PostAsync(GalleryUrl(showId) + "?handler=savePhoto&photo=" + photoId, new FormUrlEncodedContent(form));
    }

    public static int IndexOf(IHtmlDocument page, int photoId)
    {
        var ids = page.QuerySelectorAll(".sheet-cell").Select(e => int.Parse(e.GetAttribute("data-id")!)).ToList();
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
