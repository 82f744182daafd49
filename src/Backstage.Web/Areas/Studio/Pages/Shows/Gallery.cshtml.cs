using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Ingest;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>
/// /studio/shows/{id}/gallery: upload photos (plain multipart form; gallery-upload.js adds drag-and-drop and per-file
/// progress), then edit every photo in one form. Each button has its own handler; every one of them first saves what
/// was typed (so nothing is lost), then runs its command in <see cref="GalleryEditor"/>. A filter narrows the grid to
/// the photos that need work. Only the fields of <see cref="PhotoInput"/> bind; photos of other shows are ignored.
/// </summary>
[UploadLimits]
public sealed class GalleryModel(BackstageDbContext db, PhotoUploads uploads, IngestService ingest, GalleryEditor editor, Takedown takedown,
    TimeProvider clock) : PageModel
{
    public static readonly (string Value, string Label)[] Filters =
        [("", "All photos"), ("unpublished", "Unpublished"), ("needs-alt", "Needs alt text"), ("needs-credit", "Needs credit"), ("taken-down", "Taken down")];

    public Show Show { get; private set; } = null!;
    public Galleries.Gallery? Gallery { get; private set; }
    public Dictionary<int, Photo> PhotoById { get; private set; } = [];
    public IReadOnlyList<UploadOutcome> UploadResults { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Filter { get; set; }
    [BindProperty] public List<PhotoInput> Items { get; set; } = [];
    [BindProperty, StringLength(120), Display(Name = "Credit for selected")] public string? BulkCredit { get; set; }
    [BindProperty, StringLength(120), Display(Name = "Agency for selected")] public string? BulkAgency { get; set; }
    [BindProperty] public TakedownReason? Reason { get; set; }
    [BindProperty, StringLength(1000)] public string? ReasonNote { get; set; }

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

        public PhotoEdit ToEdit() => new(Id, Caption, AltText, Decorative, Credit, Agency, FocalX, FocalY);

        public static PhotoInput From(Photo p)
        {
            var e = PhotoEdit.From(p);
            return new PhotoInput { Id = e.Id, Caption = e.Caption, AltText = e.AltText, Decorative = e.Decorative, Credit = e.Credit, Agency = e.Agency, FocalX = e.FocalX, FocalY = e.FocalY };
        }
    }

    public long MaxFileBytes => HttpContext.RequestServices.GetRequiredService<MediaOptionsAccessor>().Options.MaxFileBytes;

    public IEnumerable<Photo> Photos => PhotoById.Values.OrderBy(p => p.Position).ThenBy(p => p.Id);

    /// <summary>Its place in the whole gallery (1-based), whatever the filter shows.</summary>
    public int Number(Photo p) => Photos.TakeWhile(x => x.Id != p.Id).Count() + 1;

    public bool IsLive => Show.IsLive(clock.GetUtcNow());

    /// <summary>"3 photos unpublished — 2 lack alt text, 1 lacks credit", or null when every photo is published.</summary>
    public string? UnpublishedSummary
    {
        get
        {
            var waiting = Photos.Where(p => p.PublishedAt is null && !p.IsTakenDown).ToList();
            if (waiting.Count == 0) return null;
            var parts = new List<string>();
            void Count(int n, string one, string many) { if (n > 0) parts.Add($"{n} {(n == 1 ? one : many)}"); }
            Count(waiting.Count(p => p.NeedsAlt), "lacks alt text", "lack alt text");
            Count(waiting.Count(p => p.NeedsCredit), "lacks credit", "lack credit");
            Count(waiting.Count(p => p.Status == PhotoStatus.Processing), "is still processing", "are still processing");
            Count(waiting.Count(p => p.Status == PhotoStatus.Failed), "failed", "failed");
            var head = $"{waiting.Count} {(waiting.Count == 1 ? "photo" : "photos")} unpublished";
            return parts.Count == 0 ? head + " — all ready to publish" : head + " — " + string.Join(", ", parts);
        }
    }

    public bool Matches(Photo p) => Filter switch
    {
        "unpublished" => p.PublishedAt is null && !p.IsTakenDown,
        "needs-alt" => p.NeedsAlt && !p.IsTakenDown,
        "needs-credit" => p.NeedsCredit && !p.IsTakenDown,
        "taken-down" => p.IsTakenDown,
        _ => true,
    };

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null) return false;
        Show = show;
        Gallery = await db.Set<Galleries.Gallery>().AsNoTracking().FirstOrDefaultAsync(g => g.ShowId == id, ct);
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == id)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        PhotoById = photos.ToDictionary(p => p.Id);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Items = Photos.Where(Matches).Select(PhotoInput.From).ToList();
        if (TempData["UploadResults"] is string[] lines)
            UploadResults = lines.Select(l => new UploadOutcome("", l.StartsWith("ok|", StringComparison.Ordinal), l[3..])).ToList();
        if (TempData["Problems"] is string[] problems) Problems = problems;
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(int id, CancellationToken ct)
    {
        if (!await db.Shows.AnyAsync(s => s.Id == id, ct)) return NotFound();
        var files = Request.HasFormContentType ? Request.Form.Files.Where(f => f.Name == "files").ToList() : [];
        var results = new List<UploadOutcome>();
        foreach (var file in files)
        {
            if (await ingest.IsFullAsync(id, ct))
            {
                results.Add(new UploadOutcome(PhotoUploads.DisplayName(file.FileName), false, ingest.FullMessage(file.FileName)));
                continue;
            }
            await using var stream = file.OpenReadStream();
            results.Add(await uploads.AddAsync(id, file.FileName, stream, ct));
        }
        if (files.Count == 0) results.Add(new UploadOutcome("", false, "Choose one or more photos to upload."));

        if (WantsJson)
            return new JsonResult(new { results = results.Select(r => new { file = r.FileName, ok = r.Ok, message = r.Message, photoId = r.PhotoId }) });
        TempData["UploadResults"] = results.Select(r => (r.Ok ? "ok|" : "no|") + r.Message).ToArray();
        return RedirectToPage(new { id });
    }

    private bool WantsJson => Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);

    public Task<IActionResult> OnPostSaveAsync(int id, CancellationToken ct) => RunAsync(id, null, null, ct);

    public Task<IActionResult> OnPostMoveAsync(int id, int photo, int by, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.MoveAsync(id, photo, Math.Sign(by), ct), ct);

    public Task<IActionResult> OnPostCoverAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.SetCoverAsync(id, photo, ct), ct);

    public Task<IActionResult> OnPostRetryAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.RetryAsync(id, photo, ct), ct);

    public Task<IActionResult> OnPostCreditSelectedAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.BulkCreditAsync(id, SelectedIds, BulkCredit, BulkAgency, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostPublishAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.PublishAsync(id, [photo], Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostPublishSelectedAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.PublishAsync(id, SelectedIds, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostPublishAllAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.PublishAllReadyAsync(id, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostUnpublishAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.UnpublishAsync(id, [photo], Actor.From(User), ct), ct);

    /// <summary>Delete: refused while live in a published article; a used photo goes to its page to confirm, naming the places.</summary>
    public Task<IActionResult> OnPostDeleteAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.DeleteAsync(id, photo, confirmed: false, Actor.From(User), ct), ct,
            refused: r => r.NeedsConfirmation
                ? RedirectToPage("/Photos/Details", new { area = "Studio", id = photo, confirm = "delete" }) : null);

    /// <summary>Takes down every photo of the show (its own small form: a reason is required).</summary>
    public async Task<IActionResult> OnPostTakeDownShowAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Reason is null) ModelState.AddModelError(nameof(Reason), "Choose the reason for the takedown.");
        if (!ModelState.IsValid)
        {
            Items = Photos.Where(Matches).Select(PhotoInput.From).ToList();
            return Page();
        }
        var n = await takedown.TakeDownAsync(id, PhotoById.Keys.ToList(), Reason!.Value, ReasonNote, Actor.From(User), ct);
        TempData["Flash"] = $"Took down {n} photo(s) of {Show.Title}: gone from every page; originals kept in quarantine for Restore.";
        return RedirectToPage(new { id, filter = Filter });
    }

    private List<int> SelectedIds => Items.Where(i => i.Selected).Select(i => i.Id).ToList();

    /// <summary>Saves the typed fields, then runs <paramref name="command"/>; a refusal re-shows the form with its problems.</summary>
    private async Task<IActionResult> RunAsync(int id, int? photo, Func<Task<EditorResult>>? command, CancellationToken ct,
        Func<EditorResult, IActionResult?>? refused = null)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (photo is { } target && !PhotoById.ContainsKey(target)) return NotFound();
        Items = Items.Where(i => PhotoById.ContainsKey(i.Id)).ToList(); // over-posting: only this show's photos
        if (!ModelState.IsValid) return Page();
        var result = await editor.SaveAsync(id, Items.Select(i => i.ToEdit()).ToList(), ct);
        if (result.Ok && command is not null) result = await command();
        if (!result.Ok)
        {
            if (refused?.Invoke(result) is { } redirect) return redirect;
            ModelState.AddModelError("", result.Message);
            Problems = result.Problems;
            await LoadAsync(id, ct);
            return Page();
        }
        TempData["Flash"] = result.Message;
        if (result.Problems.Count > 0) TempData["Problems"] = result.Problems.ToArray();
        return RedirectToPage(new { id, filter = Filter });
    }

    public string? ThumbUrl(Photo p) => MediaUrls.Origin(p).Thumbnail()?.Url;

    public static string Human(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";
}
