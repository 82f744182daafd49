using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Hosting;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>
/// /studio/shows/{id}/gallery: upload photos (plain multipart form; gallery-upload.js adds drag-and-drop and per-file
/// progress), then edit every photo in one form: captions, alt text, credit, focal point, order, cover, bulk credit,
/// retry, delete, publish. Only the fields listed in <see cref="PhotoInput"/> are bound; photos of other shows are ignored.
/// </summary>
[UploadLimits]
public sealed class GalleryModel(BackstageDbContext db, PhotoUploads uploads, JobQueue queue, GalleryVisibility visibility,
    IOutputCacheStore cache, TimeProvider clock) : PageModel
{
    public Show Show { get; private set; } = null!;
    public Galleries.Gallery? Gallery { get; private set; }
    public Dictionary<int, Photo> PhotoById { get; private set; } = [];
    public bool IsPublic { get; private set; }
    public IReadOnlyList<UploadOutcome> UploadResults { get; private set; } = [];

    [BindProperty] public List<PhotoInput> Items { get; set; } = [];
    [BindProperty, StringLength(120), Display(Name = "Credit for selected")] public string? BulkCredit { get; set; }
    [BindProperty, StringLength(120), Display(Name = "Agency for selected")] public string? BulkAgency { get; set; }

    public sealed class PhotoInput
    {
        public int Id { get; set; }
        public bool Selected { get; set; }
        [StringLength(1000)] public string? Caption { get; set; }
        [StringLength(500)] public string? AltText { get; set; }
        public bool Decorative { get; set; }
        [StringLength(120)] public string? Credit { get; set; }
        [StringLength(120)] public string? Agency { get; set; }
        [Range(0, 100, ErrorMessage = "The focal point is a percentage from 0 to 100.")] public double? FocalX { get; set; }
        [Range(0, 100, ErrorMessage = "The focal point is a percentage from 0 to 100.")] public double? FocalY { get; set; }
    }

    public long MaxFileBytes => HttpContext.RequestServices.GetRequiredService<MediaOptionsAccessor>().Options.MaxFileBytes;

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null) return false;
        Show = show;
        Gallery = await db.Set<Galleries.Gallery>().AsNoTracking().FirstOrDefaultAsync(g => g.ShowId == id, ct);
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == id)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        PhotoById = photos.ToDictionary(p => p.Id);
        IsPublic = await visibility.IsShowPublicAsync(id, ct);
        return true;
    }

    public IEnumerable<Photo> Photos => PhotoById.Values.OrderBy(p => p.Position).ThenBy(p => p.Id);

    private void ItemsFromPhotos() => Items = Photos.Select(p => new PhotoInput
    {
        Id = p.Id, Caption = p.Caption, AltText = p.AltText, Decorative = p.Decorative, Credit = p.Credit, Agency = p.Agency,
        FocalX = Math.Round(p.FocalX * 100, 1), FocalY = Math.Round(p.FocalY * 100, 1),
    }).ToList();

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        ItemsFromPhotos();
        if (TempData["UploadResults"] is string[] lines)
            UploadResults = lines.Select(l => new UploadOutcome("", l.StartsWith("ok|", StringComparison.Ordinal), l[3..])).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(int id, CancellationToken ct)
    {
        if (!await db.Shows.AnyAsync(s => s.Id == id, ct)) return NotFound();
        var files = Request.HasFormContentType ? Request.Form.Files.Where(f => f.Name == "files").ToList() : [];
        var results = new List<UploadOutcome>();
        foreach (var file in files)
        {
            await using var stream = file.OpenReadStream();
            results.Add(await uploads.AddAsync(id, file.FileName, stream, ct));
        }
        if (files.Count == 0) results.Add(new UploadOutcome("", false, "Choose one or more photos to upload."));
        if (results.Any(r => r.Ok)) await cache.EvictByTagAsync(CacheTags.Public, ct);

        if (WantsJson)
            return new JsonResult(new { results = results.Select(r => new { file = r.FileName, ok = r.Ok, message = r.Message, photoId = r.PhotoId }) });
        TempData["UploadResults"] = results.Select(r => (r.Ok ? "ok|" : "no|") + r.Message).ToArray();
        return RedirectToPage(new { id });
    }

    private bool WantsJson => Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The one editing form. Every button posts all fields (so nothing typed is lost) plus a command.</summary>
    public async Task<IActionResult> OnPostAsync(int id, string? command, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        // Over-posting: only photos of this show, only the fields of PhotoInput.
        Items = Items.Where(i => PhotoById.ContainsKey(i.Id)).ToList();
        foreach (var p in Photos.Where(p => Items.All(i => i.Id != p.Id)).ToList())
            Items.Add(new PhotoInput { Id = p.Id, Caption = p.Caption, AltText = p.AltText, Decorative = p.Decorative, Credit = p.Credit, Agency = p.Agency, FocalX = p.FocalX * 100, FocalY = p.FocalY * 100 });
        if (!ModelState.IsValid) return Page();

        var (verb, target) = ParseCommand(command);
        if (target is not null && !PhotoById.ContainsKey(target.Value)) return NotFound();
        if (target is null && verb is "up" or "down" or "cover" or "delete" or "retry") return BadRequest();
        if (verb == "bulk" && !Items.Any(i => i.Selected))
        {
            ModelState.AddModelError("", "Select the photos to credit first (tick \"Select\" on each).");
            return Page();
        }

        // The form's order is the editor's order: gallery-editor.js lets them drag the cards (and renumbers the
        // fields); without JavaScript it is the order the page was rendered in. Photos the form did not include (say,
        // uploaded meanwhile from another tab) were appended to Items above, so they come after the posted ones.
        var posted = Items.Select((item, index) => (item.Id, index)).DistinctBy(x => x.Id).ToDictionary(x => x.Id, x => x.index);
        var photos = (await db.Set<Photo>().Where(p => p.ShowId == id).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct))
            .OrderBy(p => posted.GetValueOrDefault(p.Id, int.MaxValue)).ToList();
        var now = clock.GetUtcNow();
        var toRender = new List<int>();
        string flash = "Saved the gallery.";
        foreach (var item in Items)
        {
            var p = photos.First(x => x.Id == item.Id);
            p.Caption = Clean(item.Caption);
            p.AltText = Clean(item.AltText);
            p.Decorative = item.Decorative;
            p.Credit = Clean(item.Credit);
            p.Agency = Clean(item.Agency);
            if (verb == "bulk" && item.Selected)
            {
                if (!string.IsNullOrWhiteSpace(BulkCredit)) p.Credit = Clean(BulkCredit);
                if (!string.IsNullOrWhiteSpace(BulkAgency)) p.Agency = Clean(BulkAgency);
            }
            var fx = Math.Clamp((item.FocalX ?? 50) / 100, 0, 1);
            var fy = Math.Clamp((item.FocalY ?? 50) / 100, 0, 1);
            if (Photo.FocalKeyFor(fx, fy) != p.FocalKey)
            {
                (p.FocalX, p.FocalY) = (fx, fy);
                toRender.Add(p.Id);
            }
            if (db.Entry(p).State == EntityState.Modified) p.UpdatedAt = now;
        }

        var gallery = await db.Set<Galleries.Gallery>().FirstOrDefaultAsync(g => g.ShowId == id, ct);
        Galleries.Gallery EnsureGallery()
        {
            if (gallery is null) db.Set<Galleries.Gallery>().Add(gallery = new Galleries.Gallery { ShowId = id });
            gallery.UpdatedAt = now;
            return gallery;
        }
        int Number(int photoId) => photos.FindIndex(x => x.Id == photoId) + 1;

        switch (verb)
        {
            case "up" or "down":
            {
                int i = photos.FindIndex(x => x.Id == target);
                int j = verb == "up" ? i - 1 : i + 1;
                if (j >= 0 && j < photos.Count) (photos[i], photos[j]) = (photos[j], photos[i]);
                flash = $"Moved {photos[Math.Clamp(j, 0, photos.Count - 1)].OriginalFileName} {verb}.";
                break;
            }
            case "cover":
                EnsureGallery().CoverPhotoId = target;
                flash = $"Photo {Number(target!.Value)} is now the cover.";
                break;
            case "delete":
            {
                var p = photos.First(x => x.Id == target);
                if (gallery?.CoverPhotoId == p.Id) gallery.CoverPhotoId = null;
                db.Remove(p);
                photos.Remove(p);
                toRender.Remove(p.Id);
                flash = $"Deleted {p.OriginalFileName}.";
                break;
            }
            case "retry":
            {
                var p = photos.First(x => x.Id == target);
                p.Status = p.Status == PhotoStatus.Failed ? PhotoStatus.Processing : p.Status;
                p.LastError = null;
                if (!toRender.Contains(p.Id)) toRender.Add(p.Id);
                flash = $"Processing {p.OriginalFileName} again.";
                break;
            }
            case "publish":
                EnsureGallery().PublishedAt ??= now;
                flash = "Saved and published the gallery: its ready photos are public.";
                break;
            case "unpublish":
                EnsureGallery().PublishedAt = null;
                flash = "Saved. The gallery is no longer published on its own (a live article embedding it still shows it).";
                break;
            case "bulk":
                flash = $"Credited {Items.Count(i => i.Selected)} photos.";
                break;
        }
        for (int k = 0; k < photos.Count; k++) photos[k].Position = k + 1;
        foreach (var photoId in toRender) queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(photoId));
        if (toRender.Count > 0 && verb != "retry") flash += $" Re-rendering the crops of {toRender.Count} photo(s) for the new focal point.";

        try
        {
            await db.SaveChangesAsync(ct); // one transaction: edits, order, cover and the render jobs
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "A photo changed while you were editing (probably it finished processing). Your changes are still in the form: save again.");
            return Page();
        }
        if (toRender.Count > 0) queue.Notify();
        await cache.EvictByTagAsync(CacheTags.Public, ct);
        TempData["Flash"] = flash;
        return RedirectToPage(new { id });
    }

    private static (string Verb, int? Target) ParseCommand(string? command)
    {
        if (string.IsNullOrEmpty(command)) return ("save", null);
        var parts = command.Split(':', 2);
        return parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? (parts[0], t)
            : (parts[0], null);
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public string? ThumbUrl(Photo p)
    {
        var r = p.Renditions.Where(r => r.Spec.StartsWith('w') && r.Spec.EndsWith(".jpg", StringComparison.Ordinal)).OrderBy(r => r.Width).FirstOrDefault();
        return r is null ? null : MediaEndpoints.Url(p.Id, r.Spec);
    }

    public static string Human(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";
}
