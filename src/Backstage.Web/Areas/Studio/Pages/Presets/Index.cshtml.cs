using System.ComponentModel.DataAnnotations;
using Backstage.Web.Data;
using Backstage.Web.Ingest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Presets;

/// <summary>/studio/presets: the desk's list of photographers and agencies it credits often (applied from a show's upload page).</summary>
public sealed class IndexModel(BackstageDbContext db, TimeProvider clock) : PageModel
{
    public List<CreditPreset> Presets { get; private set; } = [];

    [BindProperty] public PresetInput Input { get; set; } = new();

    public sealed class PresetInput
    {
        [Required(ErrorMessage = "Give the photographer's or agency's name."), StringLength(120), Display(Name = "Name")]
        public string? Name { get; set; }
        [StringLength(120), Display(Name = "Agency")] public string? Agency { get; set; }
        [StringLength(120), Display(Name = "Default credit line")] public string? CreditLine { get; set; }
        // Rights defaults: applying the preset sets them (issue 19).
        [Display(Name = "Category")] public Galleries.RightsCategory? Category { get; set; }
        [Range(1, 3650, ErrorMessage = "Valid for: a number of days from 1 to 3650, or empty for no end."), Display(Name = "Valid for (days from upload)")]
        public int? ValidDays { get; set; }
        public bool NoSocial { get; set; }
        public bool NotInNewsletters { get; set; }
        public bool NotInSearch { get; set; }
        public bool EditorialOnly { get; set; }
    }

    private async Task LoadAsync(CancellationToken ct) => Presets = await db.Set<CreditPreset>().AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var name = Input.Name?.Trim() ?? "";
        if (ModelState.IsValid && await db.Set<CreditPreset>().AnyAsync(p => p.Name == name, ct))
            ModelState.AddModelError("Input.Name", $"A preset named {name} exists already.");
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        if (Input.Category is { } c && !Enum.IsDefined(c)) ModelState.AddModelError("Input.Category", "Category: choose one of the list.");
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        db.Add(new CreditPreset
        {
            Name = name, Agency = Clean(Input.Agency), CreditLine = Clean(Input.CreditLine), CreatedAt = clock.GetUtcNow(),
            RightsCategory = Input.Category, ValidDays = Input.ValidDays, NoSocial = Input.NoSocial, NotInNewsletters = Input.NotInNewsletters,
            NotInSearch = Input.NotInSearch, EditorialOnly = Input.EditorialOnly,
        });
        await db.SaveChangesAsync(ct);
        TempData["Flash"] = $"Added the preset {name}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int presetId, CancellationToken ct)
    {
        await db.Set<CreditPreset>().Where(p => p.Id == presetId).ExecuteDeleteAsync(ct);
        TempData["Flash"] = "Deleted the preset.";
        return RedirectToPage();
    }

    /// <summary>"Handout / PR, 90 days, No social or link previews" — the rights a preset sets, in words.</summary>
    public static string RightsSummary(CreditPreset p) => string.Join(", ", new[]
    {
        p.RightsCategory is { } c ? Galleries.Rights.Label(c) : null,
        p.ValidDays is { } d ? $"valid {d} days from upload" : null,
        p.NoSocial ? Galleries.Rights.NoSocialLabel : null, p.NotInNewsletters ? Galleries.Rights.NotInNewslettersLabel : null,
        p.NotInSearch ? Galleries.Rights.NotInSearchLabel : null, p.EditorialOnly ? Galleries.Rights.EditorialOnlyLabel : null,
    }.Where(x => x is not null));

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
