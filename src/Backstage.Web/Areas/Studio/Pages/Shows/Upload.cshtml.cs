using System.Globalization;
using System.Security.Claims;
using Backstage.Media;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Ingest;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>
/// /studio/shows/{id}/upload: the newsroom ingest. Without JavaScript one multipart form takes photos, ZIPs and .xmp
/// sidecars (matched by base name); ingest-upload.js sends files, folders and ZIPs through the resumable chunk protocol
/// instead. Below, the desk reviews the gallery: which credit, agency, caption and alt text came from the files, capture
/// times, visually identical photos; applies a credit preset to a selection; re-orders the latest batch.
/// </summary>
[UploadLimits]
public sealed class UploadModel(BackstageDbContext db, IngestService ingest, ResumableUploads resumable, IOptions<IngestOptions> options, MediaOptionsAccessor media,
    PublicCache cache, PhotoRightsEditor rights) : PageModel
{
    public Show Show { get; private set; } = null!;
    public List<Row> Rows { get; private set; } = [];
    public List<CreditPreset> Presets { get; private set; } = [];
    public IReadOnlyList<IngestLine> Results { get; private set; } = [];
    public Guid? LatestBatch { get; private set; }
    /// <summary>ZIPs the form handed to the completion job (<c>?unpacking=</c>): still unpacking while any is; the page then refreshes itself.</summary>
    public bool Unpacking { get; private set; }
    public IngestOptions Ingest => options.Value;
    public long MaxFileBytes => media.Options.MaxFileBytes;

    [BindProperty] public IngestOrder Order { get; set; } = IngestOrder.AsShot;
    [BindProperty] public List<int> Selected { get; set; } = [];
    [BindProperty] public int? PresetId { get; set; }

    public sealed record Row(int Number, Photo Photo, string? Thumb, IReadOnlyList<string> FromFile, string? Keywords, string? Copyright, int? LooksLike)
    {
        public bool IsFromFile(string field) => FromFile.Contains(field);
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null) return false;
        Show = show;
        var rows = await (from p in db.Set<Photo>().AsNoTracking()
                          where p.ShowId == id
                          join f in db.Set<PhotoFileFacts>() on p.Id equals f.PhotoId into fs
                          from f in fs.DefaultIfEmpty()
                          orderby p.Position, p.Id
                          select new
                          {
                              Photo = p, Facts = f, Renditions = p.Renditions.ToList(),
                          }).ToListAsync(ct);
        foreach (var r in rows) r.Photo.Renditions = r.Renditions;
        var hashes = rows.Select((r, i) => (Number: i + 1, Hash: r.Facts == null ? null : r.Facts.PerceptualHash)).ToList();
        Rows = rows.Select((r, i) => new Row(i + 1, r.Photo, MediaUrls.Origin(r.Photo).Thumbnail()?.Url, r.Facts?.FromFile ?? [], r.Facts?.Keywords, r.Facts?.Copyright,
            r.Facts?.PerceptualHash is { } h
                ? hashes.Where(o => o.Number != i + 1 && o.Hash is { } oh && PerceptualHash.Similar(h, oh)).Select(o => (int?)o.Number).FirstOrDefault()
                : null)).ToList();
        LatestBatch = await db.Set<PhotoFileFacts>().Where(f => f.Photo!.ShowId == id && f.BatchId != null)
            .OrderByDescending(f => f.PhotoId).Select(f => f.BatchId).FirstOrDefaultAsync(ct);
        Presets = await db.Set<CreditPreset>().AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(int id, [FromQuery] Guid[] unpacking, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var results = new List<IngestLine>();
        if (TempData["IngestResults"] is string[] lines)
            results.AddRange(lines.Select(l => l.Split('|', 2)).Select(p => new IngestLine("", Enum.Parse<LineKind>(p[0]), p[1])));
        var archives = await db.Set<ResumableUpload>().AsNoTracking().Where(u => u.ShowId == id && unpacking.Contains(u.Id)).OrderBy(u => u.CreatedAt).ToListAsync(ct);
        foreach (var u in archives)
        {
            if (u.State == UploadState.Completing)
            {
                Unpacking = true;
                results.Add(new(u.FileName, LineKind.Skipped, $"{u.FileName}: received; unpacking it in the background — this page refreshes until its photos are in."));
            }
            else if ((await resumable.StatusAsync(u.Id, ct)).Results is { } done) results.AddRange(done);
        }
        Results = results;
        return Page();
    }

    /// <summary>The no-JavaScript path: every posted file in one request; .xmp parts go with the photo of the same base name.</summary>
    public async Task<IActionResult> OnPostUploadAsync(int id, CancellationToken ct)
    {
        if (!await db.Shows.AnyAsync(s => s.Id == id, ct)) return NotFound();
        var files = Request.HasFormContentType ? Request.Form.Files.Where(f => f.Name == "files").ToList() : [];
        var sidecars = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var x in files.Where(f => f.FileName.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase) && f.Length <= FileMetadata.MaxSidecarBytes))
        {
            using var ms = new MemoryStream();
            await x.CopyToAsync(ms, ct);
            sidecars[BaseName(x.FileName)] = ms.ToArray();
        }
        var batch = Guid.NewGuid();
        var lines = new List<IngestLine>();
        var unpacking = new List<Guid>();
        foreach (var file in files.Where(f => !f.FileName.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase)))
        {
            await using var stream = file.OpenReadStream();
            var extras = new UploadExtras(sidecars.GetValueOrDefault(BaseName(file.FileName)), batch);
            if (!IngestService.IsArchiveName(file.FileName))
                lines.AddRange(await ingest.AddFileAsync(id, file.FileName, stream, extras, ct));
            else
            {
                // Unpacked by the completion job, off this request; its photos join the same batch.
                var (queued, refusal) = await resumable.QueueWholeFileAsync(id, file.FileName, stream, extras, Order, User.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
                if (queued is { } q) unpacking.Add(q);
                else lines.Add(refusal!);
            }
        }
        if (files.Count == 0) lines.Add(new("", LineKind.Refused, "Choose photos, a ZIP or a folder to upload."));
        await ingest.FinishBatchAsync(id, batch, Order, lines, ct);
        TempData["IngestResults"] = lines.Select(l => $"{l.Kind}|{l.Message}").ToArray();
        return RedirectToPage(new { id, unpacking });
    }

    /// <summary>"Order as shot" / "Order by file name" for the latest batch.</summary>
    public async Task<IActionResult> OnPostArrangeAsync(int id, Guid batch, CancellationToken ct)
    {
        if (!await db.Shows.AnyAsync(s => s.Id == id, ct)) return NotFound();
        await ingest.ArrangeAsync(id, batch, Order, ct);
        await cache.InvalidateAsync(ct);
        TempData["Flash"] = Order == IngestOrder.FileName ? "Put the latest batch in file-name order." : "Put the latest batch in the order it was shot.";
        return RedirectToPage(new { id });
    }

    /// <summary>Credits the selected photos of this show with a preset (credit line or name, and agency).</summary>
    public async Task<IActionResult> OnPostPresetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var preset = Presets.FirstOrDefault(p => p.Id == PresetId);
        var ids = Rows.Select(r => r.Photo.Id).Intersect(Selected).ToArray();
        if (preset is null) ModelState.AddModelError(nameof(PresetId), "Choose a credit preset.");
        if (ids.Length == 0) ModelState.AddModelError(nameof(Selected), "Select the photos to credit first (tick \"Select\" on each).");
        if (!ModelState.IsValid) return Page();
        var credit = string.IsNullOrWhiteSpace(preset!.CreditLine) ? preset.Name : preset.CreditLine;
        await db.InTransactionAsync(async () =>
        {
            await db.Set<Photo>().Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Credit, credit).SetProperty(p => p.Agency, preset.Agency).SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow), ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE photo_file_facts SET from_file = array_remove(array_remove(from_file, {PhotoFileFacts.FieldCredit}), {PhotoFileFacts.FieldAgency})
                WHERE photo_id = ANY({ids})
                """, ct);
        }, ct);
        await cache.InvalidateAsync(ct);
        var rightsNote = "";
        if (preset.RightsChange() is { } change)
        {
            var r = await rights.ApplyAsync(ids, change, Accounts.Actor.From(User), ct, why: $"preset \"{preset.Name}\"");
            rightsNote = $" Rights: {Pages.Presets.IndexModel.RightsSummary(preset)} ({r.Changed} changed).";
        }
        TempData["Flash"] = $"Credited {ids.Length} photo(s) to {credit}{(preset.Agency is null ? "" : " / " + preset.Agency)}.{rightsNote}";
        return RedirectToPage(new { id });
    }

    private static string BaseName(string fileName) => ArchiveIngest.SidecarKey(PhotoUploads.DisplayName(fileName));

    public static string When(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";
}
