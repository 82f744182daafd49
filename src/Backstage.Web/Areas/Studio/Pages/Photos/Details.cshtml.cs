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
public sealed class DetailsModel(BackstageDbContext db, PhotoUsage usage, Takedown takedown, GalleryEditor editor) : PageModel
{
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
        return true;
    }

    public async Task<IActionResult> OnGetAsync(int id, string? confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        ConfirmDelete = confirm == "delete";
        return Page();
    }

    public async Task<IActionResult> OnPostTakeDownAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Reason is null) ModelState.AddModelError(nameof(Reason), "Choose the reason for the takedown.");
        if (!ModelState.IsValid) return Page();
        await takedown.TakeDownAsync(Photo.ShowId, [id], Reason!.Value, ReasonNote, Actor.From(User), ct);
        TempData["Flash"] = $"Took down {Photo.OriginalFileName}: gone from every page; the original is kept in quarantine for Restore.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRestoreAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
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

    public string? ThumbUrl => MediaUrls.Origin(Photo).Jpeg(640)?.Url;
}
