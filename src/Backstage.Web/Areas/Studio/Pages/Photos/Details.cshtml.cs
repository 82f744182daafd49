using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Photos;

/// <summary>
/// /studio/photos/{id}: one photo in the studio — where it is used, "Take down" (reason required), "Restore", and
/// "Delete" (asks for confirmation naming the places it is used; refused while it is live in a published article).
/// </summary>
public sealed class DetailsModel(BackstageDbContext db, PhotoUsage usage, Takedown takedown, GalleryEditor editor, PhotoRightsEditor rights,
    SiteTime time) : PageModel
{
    public PhotoFileFacts? Facts { get; private set; }
    public bool IsFromFile(string field) => Facts?.FromFile.Contains(field) == true;
    public bool Expired => Photo.LicenceExpired(time.Now);
    public bool Held => Photo.ValidFrom > time.Now;
    public string ZoneName => time.ZoneName;
    public string Format(DateTimeOffset? t) => time.Format(t);

    /// <summary>The Rights form (its own handler): every field the photo page edits.</summary>
    [BindProperty] public RightsInput Rights { get; set; } = new();
    [BindProperty, Display(Name = "New valid until")] public DateTime? ExtendUntilLocal { get; set; }

    public sealed class RightsInput
    {
        [Display(Name = "Category")] public RightsCategory Category { get; set; }
        [StringLength(120), Display(Name = "Source")] public string? Source { get; set; }
        [StringLength(2000), Display(Name = "Usage terms")] public string? UsageTerms { get; set; }
        [Display(Name = "Valid from")] public DateTime? ValidFromLocal { get; set; }
        [Display(Name = "Valid until")] public DateTime? ValidUntilLocal { get; set; }
        public bool NoSocial { get; set; }
        public bool NotInNewsletters { get; set; }
        public bool NotInSearch { get; set; }
        public bool EditorialOnly { get; set; }
        [StringLength(1000), Display(Name = "Desk note")] public string? Note { get; set; }
    }
    public Photo Photo { get; private set; } = null!;
    public IReadOnlyList<PhotoPlaceOfUse> Places { get; private set; } = [];
    public bool ConfirmDelete { get; private set; }

    [BindProperty] public TakedownReason? Reason { get; set; }
    [BindProperty, StringLength(1000)] public string? ReasonNote { get; set; }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var photo = await db.Set<Photo>().AsNoTracking().Include(p => p.Show).Include(p => p.Renditions).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (photo is null) return false;
        Photo = photo;
        Places = await usage.PlacesAsync(photo, ct);
        Facts = await db.Set<PhotoFileFacts>().AsNoTracking().FirstOrDefaultAsync(f => f.PhotoId == id, ct);
        return true;
    }

    private void FillRights() => Rights = new RightsInput
    {
        Category = Photo.RightsCategory, Source = Photo.RightsSource, UsageTerms = Photo.UsageTerms,
        ValidFromLocal = Photo.ValidFrom is { } f ? time.ToLocal(f) : null, ValidUntilLocal = Photo.ValidUntil is { } u ? time.ToLocal(u) : null,
        NoSocial = Photo.NoSocial, NotInNewsletters = Photo.NotInNewsletters, NotInSearch = Photo.NotInSearch,
        EditorialOnly = Photo.EditorialOnly, Note = Photo.RightsNote,
    };

    /// <summary>Saves the Rights form; the other forms' fields are not this one's errors.</summary>
    public async Task<IActionResult> OnPostRightsAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        foreach (var key in ModelState.Keys.Where(k => !k.StartsWith("Rights.", StringComparison.Ordinal)).ToList()) ModelState.Remove(key);
        if (!Enum.IsDefined(Rights.Category)) ModelState.AddModelError("Rights.Category", "Category: choose one of the list.");
        DateTimeOffset? from = Rights.ValidFromLocal is { } fl ? time.ToUtc(fl) : null, until = Rights.ValidUntilLocal is { } ul ? time.ToUtc(ul) : null;
        if (from is not null && until is not null && until <= from)
            ModelState.AddModelError("Rights.ValidUntilLocal", "Valid until must be later than valid from.");
        if (!ModelState.IsValid) return Page();
        var result = await rights.ApplyAsync([id], new RightsChange
        {
            Category = Rights.Category, Source = new(Rights.Source), UsageTerms = new(Rights.UsageTerms),
            ValidFrom = new(from), ValidUntil = new(until), NoSocial = Rights.NoSocial, NotInNewsletters = Rights.NotInNewsletters,
            NotInSearch = Rights.NotInSearch, EditorialOnly = Rights.EditorialOnly, Note = new(Rights.Note),
        }, Actor.From(User), ct);
        if (!result.Ok)
        {
            ModelState.AddModelError("", result.Message);
            return Page();
        }
        // An edited value is the desk's now, no longer the file's.
        var edited = new List<string>();
        if (Clean(Rights.Source) != Photo.RightsSource) edited.Add(PhotoFileFacts.FieldRightsSource);
        if (Clean(Rights.UsageTerms) != Photo.UsageTerms) edited.Add(PhotoFileFacts.FieldUsageTerms);
        if (from != Photo.ValidFrom) edited.Add(PhotoFileFacts.FieldValidFrom);
        if (until != Photo.ValidUntil) edited.Add(PhotoFileFacts.FieldValidUntil);
        if (Rights.EditorialOnly != Photo.EditorialOnly) edited.Add(PhotoFileFacts.FieldEditorialOnly);
        if (edited.Count > 0)
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE photo_file_facts SET from_file = ARRAY(SELECT f FROM unnest(from_file) f WHERE NOT f = ANY({edited.ToArray()}))
                WHERE photo_id = {id}
                """, ct);
        TempData["Flash"] = result.Changed > 0 ? "Rights saved." : result.Message;
        return RedirectToPage(new { id });
    }

    /// <summary>"Extend licence": a new valid until, logged; an expired photo returns to readers.</summary>
    public async Task<IActionResult> OnPostExtendLicenceAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FillRights();
        if (ExtendUntilLocal is null) ModelState.AddModelError(nameof(ExtendUntilLocal), "New valid until: choose the date the licence now ends.");
        if (!ModelState.IsValid) return Page();
        var result = await rights.ExtendAsync(id, time.ToUtc(ExtendUntilLocal!.Value), Actor.From(User), ct);
        if (!result.Ok)
        {
            ModelState.AddModelError(nameof(ExtendUntilLocal), result.Message);
            return Page();
        }
        TempData["Flash"] = result.Message;
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnGetAsync(int id, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FillRights();
        ConfirmDelete = confirm == "delete";
        return Page();
    }

    public async Task<IActionResult> OnPostTakeDownAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FillRights();
        if (Reason is null) ModelState.AddModelError(nameof(Reason), "Choose the reason for the takedown.");
        if (!ModelState.IsValid) return Page();
        await takedown.TakeDownAsync(Photo.ShowId, [id], Reason!.Value, ReasonNote, Actor.From(User), ct);
        TempData["Flash"] = $"Took down {Photo.OriginalFileName}: gone from every page; the original is kept in quarantine for Restore.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRestoreAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FillRights();
        if (await takedown.RestoreAsync(id, Actor.From(User), ct) is { } problem)
        {
            ModelState.AddModelError("", problem);
            return Page();
        }
        TempData["Flash"] = $"Restored {Photo.OriginalFileName}: rendering it again.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, bool confirmed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        FillRights();
        var result = await editor.DeleteAsync(Photo.ShowId, id, confirmed, Actor.From(User), ct);
        if (!result.Ok)
        {
            ModelState.AddModelError("", result.Message);
            ConfirmDelete = result.NeedsConfirmation;
            return Page();
        }
        TempData["Flash"] = result.Message;
        return RedirectToPage("/Shows/Gallery", new { id = Photo.ShowId });
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public string? ThumbUrl => MediaUrls.Origin(Photo).Jpeg(640)?.Url;
}
