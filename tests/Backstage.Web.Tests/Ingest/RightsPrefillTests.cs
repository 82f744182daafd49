using System.Diagnostics;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Ingest;

/// <summary>
/// Issue 19: rights prefilled at ingest from real tagged files, written by exiftool (Debian's libimage-exiftool-perl,
/// installed by .ci/run): IPTC 2:116, 2:40, 2:30/2:35, 2:37/2:38 and XMP xmpRights, dc:rights, photoshop:Source, PLUS.
/// </summary>
public sealed class RightsPrefillTests(RightsFactory factory) : IClassFixture<RightsFactory>
{
    /// <summary>A real JPEG with the given exiftool tag assignments ("-IPTC:ExpirationDate=2027:06:30").</summary>
    private static async Task<byte[]> TaggedAsync(int seed, params string[] tags)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rights-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(path, Jpeg(seed, 640, 480));
        try
        {
            var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-overwrite_original", "-charset", "iptc=UTF8", "-codedcharacterset=utf8" }.Concat(tags).Append(path)) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, "exiftool: " + err);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<(Photo Photo, PhotoFileFacts Facts)> UploadAsync(int showId, string name, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var outcome = await factory.WithScopeAsync(sp => sp.GetRequiredService<PhotoUploads>().AddAsync(showId, name, stream, default));
        Assert.True(outcome.Ok, outcome.Message);
        return await factory.WithDbAsync(async db => (await db.Set<Photo>().AsNoTracking().SingleAsync(p => p.Id == outcome.PhotoId),
            await db.Set<PhotoFileFacts>().AsNoTracking().SingleAsync(f => f.PhotoId == outcome.PhotoId)));
    }

    [Fact]
    public async Task IPTC_and_XMP_rights_prefill_the_photo_marked_from_file_and_queue_its_expiry_but_never_grant_a_category()
    {
        var show = await factory.CreateShowAsync("Isabel Marant");
        var agency = await TaggedAsync(11,
            "-IPTC:CopyrightNotice=© Backstage Pictures 2026", "-IPTC:SpecialInstructions=EDITORIAL USE ONLY. No sales.",
            "-IPTC:ReleaseDate=2027:03:01", "-IPTC:ExpirationDate=2027:06:30", "-IPTC:ExpirationTime=18:00:00+02:00",
            "-XMP-xmpRights:UsageTerms=FW25 coverage for 90 days", "-XMP-xmpRights:WebStatement=https://agency.example/licence/42",
            "-XMP-dc:Rights=© Camille Martin", "-XMP-photoshop:Source=Backstage Pictures", "-XMP-plus:LicensorName=Backstage Pictures Licensing");
        var (p, facts) = await UploadAsync(show.Id, "agency.jpg", agency);

        Assert.Equal(RightsCategory.NoRights, p.RightsCategory); // a file cannot say we may publish it
        Assert.Equal("Backstage Pictures Licensing", p.RightsSource); // PLUS Licensor wins over photoshop:Source
        Assert.Equal("FW25 coverage for 90 days — EDITORIAL USE ONLY. No sales.", p.UsageTerms);
        Assert.True(p.EditorialOnly);
        Assert.Equal("https://agency.example/licence/42", p.WebStatement);
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 16, 0, 0, TimeSpan.Zero), p.ValidUntil); // 18:00 at +02:00
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 23, 0, 0, TimeSpan.Zero), p.ValidFrom); // a date alone: midnight in Paris
        Assert.Equal("© Camille Martin", facts.Copyright); // dc:rights (XMP) wins over IIM 2:116
        Assert.Superset(new HashSet<string> { PhotoFileFacts.FieldRightsSource, PhotoFileFacts.FieldUsageTerms, PhotoFileFacts.FieldWebStatement,
            PhotoFileFacts.FieldValidFrom, PhotoFileFacts.FieldValidUntil, PhotoFileFacts.FieldEditorialOnly }, facts.FromFile.ToHashSet());
        Assert.True(await factory.WithDbAsync(db => db.Set<Job>().AnyAsync(j => j.Kind == RightsExpiry.JobKind && j.Payload == RightsExpiry.Payload(p.Id, p.ValidUntil!.Value)
            && j.RunAfter == p.ValidUntil)));

        // The studio marks what came from the file, until the desk edits it.
        var editor = await factory.ClientAsync(Roles.Editor);
        var page = await editor.GetDocumentAsync($"/studio/photos/{p.Id}");
        var rights = page.QuerySelector("section.rights")!;
        Assert.True(rights.QuerySelectorAll(".from-file").Length >= 5);
        Assert.Contains(rights.QuerySelectorAll("label"), l => l.TextContent.Trim() == "Source" && l.NextElementSibling?.ClassName == "from-file");
        Assert.Contains("© Camille Martin", rights.TextContent);
    }

    [Fact]
    public async Task An_IIM_expiration_date_alone_ends_with_that_day_and_the_image_supplier_names_the_source()
    {
        var show = await factory.CreateShowAsync("Loewe");
        var file = await TaggedAsync(12, "-IPTC:ExpirationDate=2027:01:15", "-IPTC:Source=Wire Service", "-XMP-plus:ImageSupplierName=Agence Mode");
        var (p, facts) = await UploadAsync(show.Id, "supplier.jpg", file);
        Assert.Equal(new DateTimeOffset(2027, 1, 15, 23, 0, 0, TimeSpan.Zero), p.ValidUntil); // the end of 15 January in Paris (UTC+1)
        Assert.Null(p.ValidFrom);
        Assert.Equal("Agence Mode", p.RightsSource);
        Assert.False(p.EditorialOnly);
        Assert.DoesNotContain(PhotoFileFacts.FieldUsageTerms, facts.FromFile);

        var plain = await UploadAsync(show.Id, "plain.jpg", Jpeg(13, 640, 480));
        Assert.Equal((null, null, null), (plain.Photo.RightsSource, plain.Photo.ValidUntil, plain.Photo.UsageTerms));
        Assert.DoesNotContain(plain.Facts.FromFile, f => PhotoFileFacts.RightsFields.Contains(f));
    }
}
