using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>
/// /studio/shows/{id}/rights: bulk-edit the rights of a selection of this show's photos (?ids=1,2 preselects). Works
/// without JavaScript: tick photos, set only the fields to change ("leave as is" everywhere else), one studio-log row per
/// photo (<see cref="PhotoRightsEditor"/>).
/// </summary>
public sealed class RightsModel(BackstageDbContext db, PhotoRightsEditor rights, SiteTime time) : PageModel
{
    public Show Show { get; private set; } = null!;
    public List<Photo> Photos { get; private set; } = [];
    public string ZoneName => time.ZoneName;
    public string Format(DateTimeOffset? t) => time.Format(t);

    [BindProperty] public List<int> Selected { get; set; } = [];
    [BindProperty] public BulkInput Input { get; set; } = new();

    /// <summary>"" = leave as is, "on", "off".</summary>
    public sealed class BulkInput
    {
        [Display(Name = "Category")] public RightsCategory? Category { get; set; }
        [StringLength(120), Display(Name = "Source")] public string? Source { get; set; }
        [StringLength(2000), Display(Name = "Usage terms")] public string? UsageTerms { get; set; }
        [Display(Name = "Valid from")] public DateTime? ValidFromLocal { get; set; }
        public bool ClearValidFrom { get; set; }
        [Display(Name = "Valid until")] public DateTime? ValidUntilLocal { get; set; }
        public bool ClearValidUntil { get; set; }
        public string? NoSocial { get; set; }
        public string? NotInNewsletters { get; set; }
        public string? NotInSearch { get; set; }
        public string? EditorialOnly { get; set; }
        [StringLength(1000), Display(Name = "Desk note")] public string? Note { get; set; }
    }

    public static readonly (string Field, string Label)[] Flags =
    [
        (nameof(BulkInput.NoSocial), Galleries.Rights.NoSocialLabel), (nameof(BulkInput.NotInNewsletters), Galleries.Rights.NotInNewslettersLabel),
        (nameof(BulkInput.NotInSearch), Galleries.Rights.NotInSearchLabel), (nameof(BulkInput.EditorialOnly), Galleries.Rights.EditorialOnlyLabel),
    ];

    public string? FlagValue(string field) => field switch
    {
        nameof(BulkInput.NoSocial) => Input.NoSocial, nameof(BulkInput.NotInNewsletters) => Input.NotInNewsletters,
        nameof(BulkInput.NotInSearch) => Input.NotInSearch, _ => Input.EditorialOnly,
    };

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null) return false;
        Show = show;
        Photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => p.ShowId == id)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(int id, string? ids, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Selected = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, out var n) ? n : 0).Where(n => n > 0).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var ids = Photos.Select(p => p.Id).Intersect(Selected).ToArray();
        if (ids.Length == 0) ModelState.AddModelError(nameof(Selected), "Select the photos whose rights to change (tick \"Select\" on each).");
        if (Input.Category is { } c && !Enum.IsDefined(c)) ModelState.AddModelError("Input.Category", "Category: choose one of the list.");
        bool? Flag(string? v, string field)
        {
            switch (v)
            {
                case null or "": return null;
                case "on": return true;
                case "off": return false;
                default: ModelState.AddModelError("Input." + field, $"{field}: choose leave as is, on or off."); return null;
            }
        }
        var change = new RightsChange
        {
            Category = Input.Category,
            Source = string.IsNullOrWhiteSpace(Input.Source) ? null : new(Input.Source),
            UsageTerms = string.IsNullOrWhiteSpace(Input.UsageTerms) ? null : new(Input.UsageTerms),
            ValidFrom = Input.ClearValidFrom ? new((DateTimeOffset?)null) : Input.ValidFromLocal is { } f ? new(time.ToUtc(f)) : null,
            ValidUntil = Input.ClearValidUntil ? new((DateTimeOffset?)null) : Input.ValidUntilLocal is { } u ? new(time.ToUtc(u)) : null,
            NoSocial = Flag(Input.NoSocial, nameof(BulkInput.NoSocial)),
            NotInNewsletters = Flag(Input.NotInNewsletters, nameof(BulkInput.NotInNewsletters)),
            NotInSearch = Flag(Input.NotInSearch, nameof(BulkInput.NotInSearch)),
            EditorialOnly = Flag(Input.EditorialOnly, nameof(BulkInput.EditorialOnly)),
            Note = string.IsNullOrWhiteSpace(Input.Note) ? null : new(Input.Note),
        };
        if (change.ValidFrom?.Value is { } from && change.ValidUntil?.Value is { } until && until <= from)
            ModelState.AddModelError("Input.ValidUntilLocal", "Valid until must be later than valid from.");
        if (ModelState.IsValid && change == new RightsChange())
            ModelState.AddModelError("", "Choose at least one thing to change: every field says \"leave as is\".");
        if (!ModelState.IsValid) return Page();
        var result = await rights.ApplyAsync(ids, change, Actor.From(User), ct, why: "bulk edit");
        if (!result.Ok)
        {
            ModelState.AddModelError("", result.Message);
            return Page();
        }
        TempData["Flash"] = result.Message;
        return RedirectToPage(new { id, ids = string.Join(',', ids) });
    }

    public static string? Thumb(Photo p) => MediaUrls.Origin(p).Thumbnail()?.Url;
}
