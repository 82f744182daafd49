using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Backstage.Media;
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
/// /studio/shows/{id}/gallery, the contact sheet: a dense grid of numbered thumbnails with badges, and an inspector for
/// the selected photo. Every change is its own small POST that saves one photo (its changed fields only, merged per
/// field: see <see cref="GalleryEditor.SavePhotoAsync"/>) or runs one command on the selection. Without JavaScript the
/// grid is paged (<see cref="PageSize"/> a page, ?page=N), a thumbnail's link opens it in the inspector, and the
/// selection's checkboxes belong to the selection form; gallery-editor.js loads the whole show into one grid, adds the
/// keyboard and posts the same handlers with fetch.
/// </summary>
[UploadLimits]
public sealed class GalleryModel(BackstageDbContext db, PhotoUploads uploads, IngestService ingest, GalleryEditor editor, Takedown takedown,
    CodeReplacements codeReplacements, TimeProvider clock) : PageModel
{
    public const int PageSize = 24;

    public static readonly (string Value, string Label)[] Filters =
        [("", "All photos"), ("unpublished", "Unpublished"), ("needs-alt", "Needs alt text"), ("needs-credit", "Needs credit"), ("taken-down", "Taken down")];

    public Show Show { get; private set; } = null!;
    public Galleries.Gallery? Gallery { get; private set; }
    public Dictionary<int, Photo> PhotoById { get; private set; } = [];
    public IReadOnlyList<Photo> Ordered { get; private set; } = [];
    public IReadOnlyList<UploadOutcome> UploadResults { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public CodeTable Codes { get; private set; } = CodeTable.Empty;
    /// <summary>The photos the grid shows: this page of the filter, or all of it (the JS sheet).</summary>
    public IReadOnlyList<Photo> Cells { get; private set; } = [];
    public int PageCount { get; private set; } = 1;
    public Photo? Selected { get; private set; }
    /// <summary>"Replace will overwrite 12 fields": the template form shows a confirm button for that number.</summary>
    public int? OverwritesToConfirm { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Filter { get; set; }
    /// <summary>?page=N (read by hand: "page" is Razor Pages' own route value, so it cannot bind or be an asp-route).</summary>
    public int PageNumber { get; private set; } = 1;
    /// <summary>The photo in the inspector (?photo=).</summary>
    [BindProperty(SupportsGet = true, Name = "photo")] public int? PhotoId { get; set; }
    [BindProperty] public InspectorInput Inspector { get; set; } = new();
    /// <summary>The selection (checkboxes of the grid, which belong to the selection form).</summary>
    [BindProperty] public List<int> Selection { get; set; } = [];
    [BindProperty] public TemplateInput Template { get; set; } = new();
    [BindProperty] public TakedownReason? Reason { get; set; }
    [BindProperty, StringLength(1000)] public string? ReasonNote { get; set; }

    /// <summary>The inspector's fields, each with the value it had when the page was loaded (for the per-field merge).</summary>
    public sealed class InspectorInput
    {
        [StringLength(500), Display(Name = "Alt text")] public string? AltText { get; set; }
        [StringLength(1000)] public string? Caption { get; set; }
        [StringLength(120)] public string? Credit { get; set; }
        [StringLength(120)] public string? Agency { get; set; }
        public string? Decorative { get; set; }
        [Display(Name = "Focal point x %")] public string? FocalX { get; set; }
        [Display(Name = "Focal point y %")] public string? FocalY { get; set; }
        public string? OriginalAltText { get; set; }
        public string? OriginalCaption { get; set; }
        public string? OriginalCredit { get; set; }
        public string? OriginalAgency { get; set; }
        public string? OriginalDecorative { get; set; }
        public string? OriginalFocalX { get; set; }
        public string? OriginalFocalY { get; set; }

        public static InspectorInput From(Photo p)
        {
            var i = new InspectorInput();
            foreach (var f in Enum.GetValues<PhotoField>()) i.Set(f, GalleryEditor.Current(p, f), GalleryEditor.Current(p, f));
            return i;
        }

        public (string? Value, string? Original) Get(PhotoField f) => f switch
        {
            PhotoField.AltText => (AltText, OriginalAltText),
            PhotoField.Caption => (Caption, OriginalCaption),
            PhotoField.Credit => (Credit, OriginalCredit),
            PhotoField.Agency => (Agency, OriginalAgency),
            PhotoField.Decorative => (Decorative, OriginalDecorative),
            PhotoField.FocalX => (FocalX, OriginalFocalX),
            _ => (FocalY, OriginalFocalY),
        };

        public void Set(PhotoField f, string? value, string? original)
        {
            switch (f)
            {
                case PhotoField.AltText: (AltText, OriginalAltText) = (value, original); break;
                case PhotoField.Caption: (Caption, OriginalCaption) = (value, original); break;
                case PhotoField.Credit: (Credit, OriginalCredit) = (value, original); break;
                case PhotoField.Agency: (Agency, OriginalAgency) = (value, original); break;
                case PhotoField.Decorative: (Decorative, OriginalDecorative) = (value, original); break;
                case PhotoField.FocalX: (FocalX, OriginalFocalX) = (value, original); break;
                default: (FocalY, OriginalFocalY) = (value, original); break;
            }
        }
    }

    public sealed class TemplateInput
    {
        [StringLength(1000)] public string? Caption { get; set; }
        [StringLength(120)] public string? Credit { get; set; }
        [StringLength(120)] public string? Agency { get; set; }
        [StringLength(500), Display(Name = "Alt text")] public string? AltText { get; set; }
        public bool Replace { get; set; }
        /// <summary>The overwrite count the editor confirmed ("Replace 12 fields").</summary>
        public int? ConfirmOverwrites { get; set; }
    }

    public long MaxFileBytes => HttpContext.RequestServices.GetRequiredService<MediaOptionsAccessor>().Options.MaxFileBytes;

    public IEnumerable<Photo> Photos => Ordered;

    private Dictionary<int, int> _numbers = [];
    /// <summary>Its place in the whole gallery (1-based), whatever the filter shows.</summary>
    public int Number(Photo p) => _numbers[p.Id];

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

    private Dictionary<int, int> _looksLike = [];

    /// <summary>"looks like #N": the earlier photo whose dHash (photo_file_facts, as on the upload page) is within a few bits.</summary>
    public int? LooksLike(Photo p) => _looksLike.TryGetValue(p.Id, out var n) ? n : null;

    private async Task FindLookalikesAsync(int showId, CancellationToken ct)
    {
        var hashes = await db.Set<PhotoFileFacts>().AsNoTracking().Where(f => f.Photo!.ShowId == showId && f.PerceptualHash != null)
            .ToDictionaryAsync(f => f.PhotoId, f => f.PerceptualHash!.Value, ct);
        _looksLike = [];
        var earlier = new List<(int Number, long Hash)>();
        foreach (var p in Ordered)
        {
            if (!hashes.TryGetValue(p.Id, out var h)) continue;
            if (earlier.FirstOrDefault(e => PerceptualHash.Similar(h, e.Hash)) is { Number: > 0 } first) _looksLike[p.Id] = first.Number;
            earlier.Add((Number(p), h));
        }
    }

    /// <summary>The badges of one thumbnail: (css suffix, label, the short text shown on the thumbnail).</summary>
    public IReadOnlyList<(string Kind, string Label, string Short)> Badges(Photo p)
    {
        var list = new List<(string, string, string)>();
        if (p.IsTakenDown) list.Add(("down", "Taken down", "down"));
        else
        {
            if (p.Status == PhotoStatus.Processing) list.Add(("processing", "Processing", "…"));
            if (p.Status == PhotoStatus.Failed) list.Add(("failed", "Failed", "failed"));
            if (p.PublishedAt is null) list.Add(("unpublished", "Unpublished", "unpub"));
            if (p.NeedsAlt) list.Add(("alt", "Needs alt text", "alt"));
            if (p.NeedsCredit) list.Add(("credit", "Needs credit", "credit"));
            if (p.RightsCategory == RightsCategory.NoRights) list.Add(("rights", "No rights", "rights"));
            if (p.ValidUntil is { } until && until <= clock.GetUtcNow()) list.Add(("rights", "Licence expired", "expired"));
            if (CodeTable.Leftovers(p.AltText, p.Caption, p.Credit).Count > 0) list.Add(("code", "Unknown code", "=?="));
        }
        if (LooksLike(p) is { } n) list.Add(("alike", $"Looks like #{n}", $"≈{n}"));
        if (Gallery?.CoverPhotoId == p.Id) list.Add(("cover", "Cover", "cover"));
        return list;
    }

    /// <summary>The code table for the inspector's live preview (data attribute; JSON, attribute-encoded by Razor).</summary>
    public string CodesJson => JsonSerializer.Serialize(Codes.Codes);

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null) return false;
        Show = show;
        Gallery = await db.Set<Galleries.Gallery>().AsNoTracking().FirstOrDefaultAsync(g => g.ShowId == id, ct);
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == id)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        Ordered = photos;
        PhotoById = photos.ToDictionary(p => p.Id);
        _numbers = photos.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i + 1);
        Codes = await codeReplacements.ForShowAsync(id, ct);
        await FindLookalikesAsync(id, ct);
        return true;
    }

    /// <summary>The page of the grid (the one holding ?photo= when no page is asked for), and the inspector's photo.</summary>
    private void Arrange(bool all = false)
    {
        var filtered = Ordered.Where(Matches).ToList();
        PageCount = Math.Max(1, (filtered.Count + PageSize - 1) / PageSize);
        PageNumber = int.TryParse(Request.Query["page"], CultureInfo.InvariantCulture, out var asked) ? asked : 1;
        if (PhotoId is { } pid && !Request.Query.ContainsKey("page") && filtered.FindIndex(p => p.Id == pid) is var at and >= 0)
            PageNumber = at / PageSize + 1;
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        Cells = all ? filtered : filtered.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        Selected = PhotoId is { } id && PhotoById.TryGetValue(id, out var chosen) ? chosen
            : Cells.FirstOrDefault(p => !p.IsTakenDown && (p.NeedsAlt || p.NeedsCredit)) ?? Cells.FirstOrDefault();
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Arrange();
        if (Selected is not null) Inspector = InspectorInput.From(Selected);
        if (TempData["UploadResults"] is string[] lines)
            UploadResults = lines.Select(l => new UploadOutcome("", l.StartsWith("ok|", StringComparison.Ordinal), l[3..])).ToList();
        if (TempData["Problems"] is string[] problems) Problems = problems;
        return Page();
    }

    /// <summary>Every cell of the filter in one fragment: the JS sheet loads it to show the whole show in one grid.</summary>
    public async Task<IActionResult> OnGetCellsAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Arrange(all: true);
        return Partial("_SheetCells", this);
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

    /// <summary>
    /// Saves the inspector's photo: only the fields the form posted, each with its original value (the JS sheet posts
    /// only what changed). "Save and next" (<paramref name="next"/>) opens the next photo that still needs something.
    /// A conflict keeps what was typed and takes the other editor's value as the new original, so saving again replaces it.
    /// </summary>
    public async Task<IActionResult> OnPostSavePhotoAsync(int id, int photo, bool next, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!PhotoById.ContainsKey(photo)) return NotFound();
        PhotoId = photo;
        var posted = Enum.GetValues<PhotoField>().Where(f => Request.Form.ContainsKey("Inspector." + f)).ToList();
        if (!ModelState.IsValid)
        {
            if (WantsJson) return Json(false, string.Join(" ", ModelState.Where(kv => kv.Value!.Errors.Count > 0).SelectMany(kv => kv.Value!.Errors.Select(e => e.ErrorMessage))));
            Arrange();
            return Page();
        }
        var changes = posted.Select(f => Inspector.Get(f) is var (value, original) ? new FieldChange(f, original, value) : null!).ToList();
        var result = await editor.SavePhotoAsync(id, photo, changes, ct);
        if (WantsJson)
            return new JsonResult(new
            {
                ok = result.Ok, message = result.Message, unknown = result.UnknownCodes,
                conflicts = result.Conflicts.Select(c => new { field = c.Field.ToString(), label = GalleryEditor.Fields[c.Field].Label, theirs = c.Theirs, yours = c.Yours }),
                photo = result.Photo is null ? null : await CellAsync(id, photo, ct),
            }) { StatusCode = result.Ok ? 200 : result.Conflicts.Count > 0 ? 409 : 400 };
        if (!result.Ok)
        {
            await LoadAsync(id, ct);
            Arrange();
            ModelState.Clear(); // show the values set below, not the posted ones
            if (result.Photo is { } now)
            {
                // What was typed stays; the conflicting fields' originals become the other editor's values.
                foreach (var c in result.Conflicts) Inspector.Set(c.Field, Inspector.Get(c.Field).Value, GalleryEditor.Current(now, c.Field));
            }
            ModelState.AddModelError("", result.Message);
            return Page();
        }
        TempData["Flash"] = result.Message;
        await LoadAsync(id, ct);
        var target = next ? GalleryEditor.NextNeedingWork(Ordered, photo)?.Id ?? photo : photo;
        return Redirect(Link(null, target));
    }

    /// <summary>One photo's state for the JS sheet after a save: its fields and badges.</summary>
    private async Task<object?> CellAsync(int id, int photo, CancellationToken ct)
    {
        await LoadAsync(id, ct);
        if (!PhotoById.TryGetValue(photo, out var p)) return null;
        return new
        {
            id = p.Id, n = Number(p), fields = Enum.GetValues<PhotoField>().ToDictionary(f => f.ToString(), f => GalleryEditor.Current(p, f)),
            badges = Badges(p).Select(b => new { kind = b.Kind, label = b.Label, @short = b.Short }), published = p.PublishedAt is not null,
            next = GalleryEditor.NextNeedingWork(Ordered, p.Id)?.Id,
        };
    }

    private static JsonResult Json(bool ok, string message, IReadOnlyList<string>? problems = null) =>
        new(new { ok, message, problems = problems ?? [] }) { StatusCode = ok ? 200 : 400 };

    public Task<IActionResult> OnPostMoveToAsync(int id, int photo, int position, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.MoveToAsync(id, photo, position, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostCoverAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.SetCoverAsync(id, photo, ct), ct);

    public Task<IActionResult> OnPostRetryAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.RetryAsync(id, photo, ct), ct);

    public Task<IActionResult> OnPostPublishAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.PublishAsync(id, [photo], Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostUnpublishAsync(int id, int photo, CancellationToken ct) =>
        RunAsync(id, photo, () => editor.UnpublishAsync(id, [photo], Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostPublishSelectedAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.PublishAsync(id, Selection, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostUnpublishSelectedAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.UnpublishAsync(id, Selection, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostPublishAllAsync(int id, CancellationToken ct) =>
        RunAsync(id, null, () => editor.PublishAllReadyAsync(id, Actor.From(User), ct), ct);

    /// <summary>"Apply template" on the selection; "Replace" first answers how many fields it will overwrite, to confirm.</summary>
    public async Task<IActionResult> OnPostApplyTemplateAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (ModelState.IsValid)
        {
            var t = Template;
            var result = await editor.ApplyTemplateAsync(id, Selection, new PhotoTemplate(t.Caption, t.Credit, t.Agency, t.AltText), t.Replace,
                t.ConfirmOverwrites, Actor.From(User), ct);
            if (WantsJson)
                return new JsonResult(new { ok = result.Ok, message = result.Message, confirm = result.NeedsConfirmation ? result.Overwrites : (int?)null })
                { StatusCode = result.Ok || result.NeedsConfirmation ? 200 : 400 };
            if (result.Ok)
            {
                TempData["Flash"] = result.Message;
                return Redirect(Link(Request.Query.ContainsKey("page") ? Arranged().PageNumber : null, PhotoId));
            }
            if (result.NeedsConfirmation) OverwritesToConfirm = result.Overwrites;
            ModelState.AddModelError("", result.Message);
        }
        else if (WantsJson) return Json(false, "Check the template: " + string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)));
        Arrange();
        if (Selected is not null) Inspector = InspectorInput.From(Selected);
        return Page();
    }

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
            Arrange();
            if (Selected is not null) Inspector = InspectorInput.From(Selected);
            return Page();
        }
        var n = await takedown.TakeDownAsync(id, PhotoById.Keys.ToList(), Reason!.Value, ReasonNote, Actor.From(User), ct);
        TempData["Flash"] = $"Took down {n} photo(s) of {Show.Title}: gone from every page; originals kept in quarantine for Restore.";
        return RedirectToPage(new { id, filter = Filter });
    }

    /// <summary>Runs one command; a refusal re-shows the page with its problems (or answers JSON to the JS sheet).</summary>
    private async Task<IActionResult> RunAsync(int id, int? photo, Func<Task<EditorResult>> command, CancellationToken ct,
        Func<EditorResult, IActionResult?>? refused = null)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (photo is { } target && !PhotoById.ContainsKey(target)) return NotFound();
        var result = await command();
        if (WantsJson) return Json(result.Ok, result.Message, result.Problems);
        if (!result.Ok)
        {
            if (refused?.Invoke(result) is { } redirect) return redirect;
            ModelState.AddModelError("", result.Message);
            Problems = result.Problems;
            await LoadAsync(id, ct);
            Arrange();
            if (Selected is not null) Inspector = InspectorInput.From(Selected);
            return Page();
        }
        TempData["Flash"] = result.Message;
        if (result.Problems.Count > 0) TempData["Problems"] = result.Problems.ToArray();
        return Redirect(Link(Request.Query.ContainsKey("page") ? Arranged().PageNumber : null, photo ?? PhotoId));
    }

    private GalleryModel Arranged()
    {
        Arrange();
        return this;
    }

    /// <summary>This contact sheet's URL with its filter, page and inspector photo (?page= built by hand, see <see cref="PageNumber"/>).</summary>
    public string Link(int? page, int? photo, string? filter = null)
    {
        var q = new List<string>();
        if ((filter ?? Filter) is { Length: > 0 } f) q.Add("filter=" + Uri.EscapeDataString(f));
        if (page is { } n) q.Add("page=" + n.ToString(CultureInfo.InvariantCulture));
        if (photo is { } ph) q.Add("photo=" + ph.ToString(CultureInfo.InvariantCulture));
        return $"/studio/shows/{Show.Id.ToString(CultureInfo.InvariantCulture)}/gallery" + (q.Count > 0 ? "?" + string.Join("&", q) : "");
    }

    /// <summary>A handler's URL on this sheet, keeping the filter, the page (when one was asked for) and the inspector's photo.</summary>
    public string Post(string handler, int? photo = null, string? more = null)
    {
        var link = Link(Request.Query.ContainsKey("page") ? PageNumber : null, photo ?? PhotoId);
        return link + (link.Contains('?') ? "&" : "?") + "handler=" + handler + (more is null ? "" : "&" + more);
    }

    public string? ThumbUrl(Photo p) => MediaUrls.Origin(p).Thumbnail()?.Url;

    public static string Human(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";
}
