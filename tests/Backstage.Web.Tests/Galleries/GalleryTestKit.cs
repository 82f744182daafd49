using System.Buffers.Binary;
using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Backstage.Web.Tests.Galleries;

/// <summary>Hosted workers off (tests drive the queue), immediate retries, small upload limits.</summary>
public sealed class GalleryFactory : BackstageFactory
{
    public const long MaxFileBytes = 3 * 1024 * 1024;

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
    }

    public JobQueue Queue => Services.GetRequiredService<JobQueue>();

    /// <summary>Runs due jobs until none is left; returns how many ran.</summary>
    public async Task<int> DrainAsync(string worker = "test-worker")
    {
        int n = 0;
        while (await Queue.RunOnceAsync(worker)) n++;
        return n;
    }

    public async Task<Show> CreateShowAsync(string designer = "Dior")
    {
        var show = new Show
        {
            Designer = designer, Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 3),
            Slug = $"{designer.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        await WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        return show;
    }

    public Task<List<Photo>> PhotosAsync(int showId) => WithDbAsync(db =>
        db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == showId).OrderBy(p => p.Position).ToListAsync());

    public string MediaRoot => Path.Combine(DataDirectory, "media");
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

    /// <summary>The editing form's current fields (as a browser would send them) with overrides.</summary>
    public static async Task<HttpResponseMessage> PostEditorAsync(FormClient client, int showId, string command, Action<Dictionary<string, string>>? edit = null)
    {
        var page = await client.GetDocumentAsync(GalleryUrl(showId));
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
        fields["command"] = command;
        return await client.Http.PostAsync(GalleryUrl(showId), new FormUrlEncodedContent(fields));
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
    public static byte[] PixelBomb(int claimedWidth = 30000, int claimedHeight = 30000)
    {
        using var noise = Image.Gaussnoise(190, 190, sigma: 60, mean: 128, seed: 7);
        using var rgb = noise.Bandjoin(noise, noise);
        using var u8 = rgb.Cast(Enums.BandFormat.Uchar);
        var png = u8.PngsaveBuffer(compression: 9, keep: Enums.ForeignKeep.None);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)claimedWidth);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)claimedHeight);
        uint crc = 0xFFFFFFFF;
        foreach (var b in png.AsSpan(12, 17))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), ~crc);
        return png;
    }

    /// <summary>A JPEG carrying EXIF with Artist, Copyright and GPS coordinates.</summary>
    public static byte[] JpegWithExif(int seed, string artist, string copyright)
    {
        var tiff = Tiff(
            [Ascii(0x010F, "Canon"), Ascii(0x0110, "EOS R5"), Ascii(0x013B, artist), Ascii(0x8298, copyright), Pointer(0x8825)],
            [Ascii(0x0001, "N"), Rationals(0x0002, (48, 1), (51, 1), (2988, 100)), Ascii(0x0003, "E"), Rationals(0x0004, (2, 1), (21, 1), (756, 100))]);
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var seg = new byte[4 + payload.Length];
        seg[0] = 0xFF; seg[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(seg, 4);
        var jpeg = Jpeg(seed);
        return jpeg.Take(2).Concat(seg).Concat(jpeg.Skip(2)).ToArray();
    }

    public static bool Contains(byte[] haystack, string ascii) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;

    private sealed record Tag(ushort Id, ushort Type, uint Count, byte[] Data, bool IsPointer = false);
    private static Tag Ascii(ushort id, string s) { var b = Encoding.UTF8.GetBytes(s + "\0"); return new Tag(id, 2, (uint)b.Length, b); }
    private static Tag Pointer(ushort id) => new(id, 4, 1, new byte[4], IsPointer: true);
    private static Tag Rationals(ushort id, params (uint N, uint D)[] values)
    {
        var b = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8 * i), values[i].N);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8 * i + 4), values[i].D);
        }
        return new Tag(id, 5, (uint)values.Length, b);
    }

    private static byte[] Tiff(List<Tag> ifd0, List<Tag> gps)
    {
        var buf = new List<byte>();
        buf.AddRange("II*\0"u8.ToArray());
        buf.AddRange(BitConverter.GetBytes(8u));
        int gpsPos = 8 + IfdSize(ifd0);
        WriteIfd(buf, ifd0, 8, gpsPos);
        WriteIfd(buf, gps, gpsPos, 0);
        return buf.ToArray();
    }

    private static int IfdSize(List<Tag> tags) => 2 + 12 * tags.Count + 4 + tags.Where(t => t.Data.Length > 4).Sum(t => t.Data.Length + (t.Data.Length & 1));

    private static void WriteIfd(List<byte> buf, List<Tag> tags, int pos, int gpsPos)
    {
        var sorted = tags.OrderBy(t => t.Id).ToList();
        int dataPos = pos + 2 + 12 * sorted.Count + 4;
        var data = new List<byte>();
        buf.AddRange(BitConverter.GetBytes((ushort)sorted.Count));
        foreach (var t in sorted)
        {
            buf.AddRange(BitConverter.GetBytes(t.Id));
            buf.AddRange(BitConverter.GetBytes(t.Type));
            buf.AddRange(BitConverter.GetBytes(t.Count));
            if (t.IsPointer) buf.AddRange(BitConverter.GetBytes((uint)gpsPos));
            else if (t.Data.Length <= 4) buf.AddRange(t.Data.Concat(new byte[4 - t.Data.Length]));
            else
            {
                buf.AddRange(BitConverter.GetBytes((uint)(dataPos + data.Count)));
                data.AddRange(t.Data);
                if ((t.Data.Length & 1) == 1) data.Add(0);
            }
        }
        buf.AddRange(BitConverter.GetBytes(0u));
        buf.AddRange(data);
    }
}
