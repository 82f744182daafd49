using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Backstage.Tests.Shared;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Tests.Shared.CraftedMetadata;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Ingest;

/// <summary>ZIPs, IPTC/XMP prefill, capture-time order, duplicates and credit presets, through real HTTP and real libvips.</summary>
public sealed class IngestTests(IngestFactory factory) : IClassFixture<IngestFactory>
{
    private async Task<(ProtocolClient Client, FormClient Form, int ShowId)> StartAsync()
    {
        var show = await factory.CreateShowAsync();
        var form = await factory.ClientAsync(Roles.Editor);
        return (ProtocolClient.For(factory, form, show.Id), form, show.Id);
    }

    private static byte[] Shot(int seed, string when, string artist = "") =>
        CraftedImages.WithExif(Jpeg(seed, 300, 200), CraftedImages.BuildExif(1, "Canon", "EOS R5", artist, "", when, "+01:00"));

    private static byte[] Zip(params (string Name, byte[] Bytes, CompressionLevel Level, int UnixMode)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes, level, mode) in entries)
            {
                var e = zip.CreateEntry(name, level);
                if (mode != 0) e.ExternalAttributes = mode << 16;
                using var s = e.Open();
                s.Write(bytes);
            }
        return ms.ToArray();
    }

    private static (string, byte[], CompressionLevel, int) E(string name, byte[] bytes, int mode = 0) => (name, bytes, CompressionLevel.Fastest, mode);

    [Fact]
    public async Task A_camera_card_ZIP_becomes_photos_with_sidecars_matched_and_every_other_entry_explained()
    {
        var (client, _, showId) = await StartAsync();
        var sidecar = Encoding.UTF8.GetBytes(Xmp(alt: "Zoë Åberg adjusts a veil backstage", credit: "Åberg Studio"));
        var zip = Zip(
            E("DCIM/100CANON/IMG_0002.JPG", Shot(2, "2026:03:03 20:15:00")),
            E("DCIM/100CANON/IMG_0001.JPG", Shot(1, "2026:03:03 20:16:00")),
            E("DCIM/100CANON/IMG_0001.XMP", sidecar),
            E("DCIM/100CANON/IMG_0003.CR3", [1, 2, 3]),
            E("DCIM/.DS_Store", [0]),
            E("Thumbs.db", [0]),
            E("notes.txt", Encoding.UTF8.GetBytes("call the agency")),
            E("more/photos.zip", Zip(E("x.jpg", Jpeg(9)))),
            E("../../etc/evil.jpg", Jpeg(10)),
            E("/abs/evil.jpg", Jpeg(11)),
            E("DCIM/link.jpg", Encoding.UTF8.GetBytes("/etc/passwd"), mode: 0xA1FF),
            E("DCIM/100CANON/IMG_0009.XMP", sidecar));

        var done = await client.UploadAsync("card.zip", zip);

        Assert.Equal(HttpStatusCode.OK, done.Status);
        var lines = done.Results;
        string Line(string start) => Assert.Single(lines, l => l.Message.StartsWith(start)).Kind;
        Assert.Equal("ok", Line("IMG_0001.JPG: uploaded"));
        Assert.Equal("ok", Line("IMG_0002.JPG: uploaded"));
        Assert.Equal("skipped", Line("DCIM/100CANON/IMG_0003.CR3: skipped, a camera RAW file"));
        Assert.Equal("skipped", Line("DCIM/.DS_Store: skipped, a system file"));
        Assert.Equal("skipped", Line("Thumbs.db: skipped, a system file"));
        Assert.Equal("skipped", Line("notes.txt: skipped, not a photo"));
        Assert.Equal("refused", Line("more/photos.zip: refused, an archive inside the archive"));
        Assert.Equal("refused", Line("../../etc/evil.jpg: refused, a path that climbs out of the folder"));
        Assert.Equal("refused", Line("/abs/evil.jpg: refused, an absolute path"));
        Assert.Equal("refused", Line("DCIM/link.jpg: refused, a symbolic link"));
        Assert.Equal("skipped", Line("DCIM/100CANON/IMG_0009.XMP: skipped, a sidecar without its photo"));
        Assert.Equal(12 - 1, lines.Count); // the matched sidecar has no line of its own

        var photos = await factory.PhotosAsync(showId);
        // As shot: IMG_0002 was taken a minute before IMG_0001.
        Assert.Equal(["IMG_0002.JPG", "IMG_0001.JPG"], photos.Select(p => p.OriginalFileName));
        var withSidecar = photos[1];
        Assert.Equal("Zoë Åberg adjusts a veil backstage", withSidecar.AltText);
        Assert.Equal("Åberg Studio", withSidecar.Agency);
        Assert.DoesNotContain(Directory.EnumerateFiles(factory.DataDirectory, "evil*", SearchOption.AllDirectories), _ => true);
    }

    [Fact]
    public async Task An_encrypted_entry_is_refused_by_name_and_the_rest_of_the_ZIP_is_unpacked()
    {
        var (client, _, showId) = await StartAsync();
        var dir = Directory.CreateTempSubdirectory("ingest-zip-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "IMG_0031.JPG"), Jpeg(31));
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "IMG_0032.JPG"), Jpeg(32));
            // Debian's zip (Info-ZIP): the first entry as it is, the second with a password (PKWARE traditional encryption).
            await ZipToolAsync(dir.FullName, "card.zip", "IMG_0031.JPG");
            await ZipToolAsync(dir.FullName, "-P", "backstage", "card.zip", "IMG_0032.JPG");

            var done = await client.UploadAsync("card.zip", await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "card.zip")));

            Assert.Equal(HttpStatusCode.OK, done.Status);
            Assert.Equal("ok", Assert.Single(done.Results, l => l.Message.StartsWith("IMG_0031.JPG: uploaded")).Kind);
            Assert.Equal("refused", Assert.Single(done.Results, l => l.Message == "IMG_0032.JPG: refused, encrypted (send it without a password)").Kind);
            Assert.Equal(["IMG_0031.JPG"], (await factory.PhotosAsync(showId)).Select(p => p.OriginalFileName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task ZipToolAsync(string directory, params string[] args)
    {
        var psi = new ProcessStartInfo("zip") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args.Prepend("-q")) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"zip failed: {await stderr}");
    }

    [Fact]
    public async Task Photos_uploaded_in_parallel_into_one_show_get_distinct_places()
    {
        var show = await factory.CreateShowAsync();
        const int count = 8;
        var start = new TaskCompletionSource();
        var uploads = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var bytes = Jpeg(70 + i, 320, 240);
            await start.Task;
            return await factory.WithScopeAsync(sp => sp.GetRequiredService<PhotoUploads>()
                .AddAsync(show.Id, $"IMG_{i:D4}.JPG", new MemoryStream(bytes), CancellationToken.None));
        })).ToList();
        start.SetResult();
        Assert.All(await Task.WhenAll(uploads), o => Assert.True(o.Ok, o.Message));

        var positions = (await factory.PhotosAsync(show.Id)).Select(p => p.Position).Order();
        Assert.Equal(Enumerable.Range(1, count), positions);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_before_anything_is_unpacked()
    {
        var (client, _, showId) = await StartAsync();
        var bomb = Zip(E("IMG_0001.JPG", Jpeg(1)), ("IMG_0002.JPG", new byte[8 * 1024 * 1024], CompressionLevel.SmallestSize, 0));
        Assert.True(bomb.Length < 1024 * 1024, $"{bomb.Length} bytes unpack to 8 MB of zeros");

        var done = await client.UploadAsync("bomb.zip", bomb);

        var line = Assert.Single(done.Results);
        Assert.Equal("refused", line.Kind);
        Assert.StartsWith("bomb.zip: refused as a possible zip bomb: IMG_0002.JPG is compressed", line.Message);
        Assert.Empty(await factory.PhotosAsync(showId));
    }

    [Fact]
    public async Task A_Zip64_declaring_millions_of_entries_is_refused_from_its_end_record_before_its_directory_is_read()
    {
        var (client, _, showId) = await StartAsync();
        // Only the end records, written by hand: a Zip64 end record declaring 5,000,000 entries, its locator, and the
        // classic end record saying "see Zip64" (0xFFFF). Its central directory (offset 0, 5 GB long) is not even there.
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(0x06064b50u); w.Write(44UL); w.Write((ushort)45); w.Write((ushort)45); w.Write(0u); w.Write(0u);
        w.Write(5_000_000UL); w.Write(5_000_000UL); w.Write(5_000_000_000UL); w.Write(0UL);
        w.Write(0x07064b50u); w.Write(0u); w.Write(0UL); w.Write(1u);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)0xFFFF); w.Write((ushort)0xFFFF);
        w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu); w.Write((ushort)0);
        w.Flush();

        var done = await client.UploadAsync("card.zip", ms.ToArray());

        var line = Assert.Single(done.Results);
        Assert.Equal("refused", line.Kind);
        Assert.Equal("card.zip: refused as a possible zip bomb: its directory declares 5000000 entries, more than the 5000 allowed. Nothing was unpacked.", line.Message);
        Assert.Empty(await factory.PhotosAsync(showId));
    }

    [Fact]
    public async Task The_gallery_pages_upload_form_keeps_to_the_per_show_maximum_too()
    {
        var (client, form, showId) = await StartAsync();
        for (int i = 0; i < IngestFactory.MaxPhotosPerShow - 1; i++)
            Assert.Equal("ok", Assert.Single((await client.UploadAsync($"IMG_{i:0000}.JPG", Jpeg(300 + i, 120, 80))).Results).Kind);

        // One place is left: the first file takes it, the second is refused by name with the reason.
        var page = await UploadAndShowAsync(form, showId, ("last-place.jpg", Jpeg(400, 120, 80)), ("one-too-many.jpg", Jpeg(401, 120, 80)));

        Assert.Equal(IngestFactory.MaxPhotosPerShow, (await factory.PhotosAsync(showId)).Count);
        Assert.Equal($"one-too-many.jpg: this gallery already holds {IngestFactory.MaxPhotosPerShow} photos, its limit; it was not added",
            page.QuerySelector(".upload-results .refused")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_no_JavaScript_form_takes_photos_a_sidecar_and_a_ZIP_it_unpacks_off_the_request()
    {
        var (_, form, showId) = await StartAsync();
        var page = await form.GetDocumentAsync(ProtocolClient.UploadPage(showId));
        var token = page.QuerySelector("#ingest-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("FileName"), "Order" } };
        void Add(string name, byte[] bytes) => content.Add(new ByteArrayContent(bytes), "files", name);
        Add("b-look.jpg", Shot(21, "2026:03:03 20:00:00"));
        Add("b-look.xmp", Encoding.UTF8.GetBytes(Xmp(caption: "Final fitting")));
        Add("a-looks.zip", Zip(E("a-look-1.jpg", Shot(22, "2026:03:03 21:00:00")), E("readme.pdf", [1])));
        var response = await form.Http.PostAsync(ProtocolClient.UploadPage(showId) + "?handler=upload", content);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Contains("unpacking=", location);

        // The ZIP is not unpacked inside the request: the completion job does it, and the page says so and refreshes.
        var waiting = await form.GetDocumentAsync(location);
        Assert.Contains(waiting.QuerySelectorAll(".upload-results li"), li => li.TextContent.Trim().StartsWith("a-looks.zip: received; unpacking it in the background"));
        Assert.Contains(waiting.QuerySelectorAll(".upload-results li.ok"), li => li.TextContent.Trim().StartsWith("b-look.jpg: uploaded"));
        Assert.Equal("5", waiting.QuerySelector("meta[http-equiv=refresh]")?.GetAttribute("content"));
        Assert.Equal(["b-look.jpg"], (await factory.PhotosAsync(showId)).Select(p => p.OriginalFileName));
        await factory.DrainKindAsync(Backstage.Web.Ingest.CompleteUploadHandler.KindName);

        var after = await form.GetDocumentAsync(location);
        Assert.Null(after.QuerySelector("meta[http-equiv=refresh]"));
        var results = after.QuerySelectorAll(".upload-results li").Select(li => (li.ClassName, li.TextContent.Trim())).ToList();
        Assert.Contains(results, r => r.ClassName == "ok" && r.Item2.StartsWith("a-look-1.jpg: uploaded"));
        Assert.Contains(results, r => r.ClassName == "skipped" && r.Item2.StartsWith("readme.pdf: skipped"));
        var photos = await factory.PhotosAsync(showId);
        Assert.Equal(["a-look-1.jpg", "b-look.jpg"], photos.Select(p => p.OriginalFileName)); // file-name order, as chosen
        Assert.Equal("Final fitting", photos[1].Caption);
    }

    [Fact]
    public async Task Non_ASCII_IPTC_and_XMP_prefill_credit_agency_caption_and_alt_text_and_the_desk_sees_what_came_from_the_file()
    {
        var (client, form, showId) = await StartAsync();
        var utf8 = WithIptc(Jpeg(31), Iptc(true, (ByLine, "Lucía Ortega"), (Credit, "Agence Étoile"), (Caption, "Le défilé, en coulisses"), (Keywords, "Dior")));
        var latin1 = WithIptc(Jpeg(32), Iptc(false, (ByLine, "Søren Ødegaard"), (Source, "Nordisk Foto")));
        var xmp = WithXmp(Jpeg(33), Xmp(creator: "Zoë Åberg", alt: "A model in a sequinned dress waits by the mirror", rights: "© Zoë Åberg"));
        var exifOnly = JpegWithExif(34, "Exif Artist", "© Exif");
        foreach (var (name, bytes) in new[] { ("lucia.jpg", utf8), ("soren.jpg", latin1), ("zoe.jpg", xmp), ("exif.jpg", exifOnly) })
            Assert.Equal("ok", Assert.Single((await client.UploadAsync(name, bytes, order: 2)).Results).Kind);

        var photos = (await factory.PhotosAsync(showId)).ToDictionary(p => p.OriginalFileName);
        Assert.Equal(("Lucía Ortega", "Agence Étoile", "Le défilé, en coulisses"), (photos["lucia.jpg"].Credit, photos["lucia.jpg"].Agency, photos["lucia.jpg"].Caption));
        Assert.Equal(("Søren Ødegaard", "Nordisk Foto"), (photos["soren.jpg"].Credit, photos["soren.jpg"].Agency));
        Assert.Equal(("Zoë Åberg", "A model in a sequinned dress waits by the mirror"), (photos["zoe.jpg"].Credit, photos["zoe.jpg"].AltText));
        Assert.Equal("Exif Artist", photos["exif.jpg"].Credit); // EXIF stays the fallback

        var page = await form.GetDocumentAsync(ProtocolClient.UploadPage(showId));
        int Markers(string file) => page.QuerySelector($"#review-{photos[file].Id}")!.QuerySelectorAll(".from-file").Length;
        Assert.Equal(3, Markers("lucia.jpg")); // credit, agency, caption
        Assert.Equal(2, Markers("soren.jpg"));
        Assert.Equal(2, Markers("zoe.jpg")); // credit, alt text
        Assert.Contains("Keywords: Dior", page.QuerySelector($"#review-{photos["lucia.jpg"].Id}")!.TextContent);
    }

    [Fact]
    public async Task Exact_duplicates_are_named_by_number_and_re_exports_are_flagged_after_rendering()
    {
        var (client, form, showId) = await StartAsync();
        var batch = Guid.NewGuid();
        var original = Jpeg(41, 1200, 800);
        var reexport = Jpeg(41, 600, 400); // the same picture, smaller and re-encoded
        var other = Jpeg(42, 1200, 800);
        foreach (var (name, bytes) in new[] { ("a.jpg", original), ("b.jpg", other), ("c.jpg", reexport) })
            await client.UploadAsync(name, bytes, batch, order: 1);
        var again = await client.UploadAsync("a-again.jpg", original);
        Assert.Equal("a-again.jpg: already in this gallery as #1 (the same file); not added again", Assert.Single(again.Results).Message);

        await factory.DrainAsync();
        var page = await form.GetDocumentAsync(ProtocolClient.UploadPage(showId));
        var photos = await factory.PhotosAsync(showId);
        Assert.Equal(3, photos.Count);
        var hashes = await factory.WithDbAsync(db => db.Set<PhotoFileFacts>().Where(f => f.Photo!.ShowId == showId).Select(f => f.PerceptualHash).ToListAsync());
        Assert.Equal(3, hashes.Count(h => h != null));
        string Note(string file) => page.QuerySelector($"#review-{photos.Single(p => p.OriginalFileName == file).Id} .looks-like")?.TextContent ?? "";
        Assert.Equal("Looks like #3", Note("a.jpg"));
        Assert.Equal("Looks like #1", Note("c.jpg"));
        Assert.Equal("", Note("b.jpg"));
    }

    [Fact]
    public async Task A_batch_orders_as_shot_and_the_editor_can_switch_it_to_file_names_and_apply_a_credit_preset()
    {
        var (client, form, showId) = await StartAsync();
        var earlier = await client.UploadAsync("z-first-upload.jpg", Jpeg(50));
        var batch = Guid.NewGuid();
        await client.UploadAsync("IMG_0003.JPG", Shot(51, "2026:03:03 19:00:00"), batch);
        await client.UploadAsync("IMG_0001.JPG", Shot(52, "2026:03:03 19:02:00"), batch);
        await client.UploadAsync("IMG_0002.JPG", Shot(53, "2026:03:03 19:01:00"), batch);
        Assert.Equal(["z-first-upload.jpg", "IMG_0003.JPG", "IMG_0002.JPG", "IMG_0001.JPG"], (await factory.PhotosAsync(showId)).Select(p => p.OriginalFileName));

        var arranged = await form.PostFormAsync(ProtocolClient.UploadPage(showId), [new("batch", batch.ToString()), new("Order", "FileName")],
            postUrl: ProtocolClient.UploadPage(showId) + "?handler=arrange");
        Assert.Equal(HttpStatusCode.Redirect, arranged.StatusCode);
        var photos = await factory.PhotosAsync(showId);
        Assert.Equal(["z-first-upload.jpg", "IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"], photos.Select(p => p.OriginalFileName));

        var presetPost = await form.PostFormAsync("/studio/presets", ("Input.Name", "Lucía Ortega"), ("Input.Agency", "Agence Étoile"), ("Input.CreditLine", "Lucía Ortega for Backstage"));
        Assert.Equal(HttpStatusCode.Redirect, presetPost.StatusCode);
        var duplicate = await form.PostFormAsync("/studio/presets", ("Input.Name", "Lucía Ortega"));
        Assert.Contains("exists already", await duplicate.Content.ReadAsStringAsync());
        var presetId = (await form.GetDocumentAsync(ProtocolClient.UploadPage(showId))).QuerySelectorAll("#preset option")
            .Single(o => o.TextContent.StartsWith("Lucía Ortega")).GetAttribute("value")!;
        var none = await form.PostFormAsync(ProtocolClient.UploadPage(showId), [new("PresetId", presetId)], ProtocolClient.UploadPage(showId) + "?handler=preset");
        Assert.Contains("Select the photos to credit first", await none.Content.ReadAsStringAsync());
        var other = await factory.CreateShowAsync("Rochas");
        var outsider = Assert.Single((await ProtocolClient.For(factory, form, other.Id).UploadAsync("x.jpg", Jpeg(59))).Results).PhotoId!.Value;
        var applied = await form.PostFormAsync(ProtocolClient.UploadPage(showId),
            [new("PresetId", presetId), new("Selected", photos[1].Id.ToString()), new("Selected", photos[2].Id.ToString()), new("Selected", outsider.ToString())],
            ProtocolClient.UploadPage(showId) + "?handler=preset");
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);

        var credited = await factory.PhotosAsync(showId);
        Assert.Equal([null, "Lucía Ortega for Backstage", "Lucía Ortega for Backstage", null], credited.Select(p => p.Credit));
        Assert.Equal("Agence Étoile", credited[1].Agency);
        Assert.Null((await factory.WithDbAsync(db => db.Set<Photo>().SingleAsync(p => p.Id == outsider))).Credit); // another show's photo is untouched
        Assert.NotNull(earlier);
    }
}
