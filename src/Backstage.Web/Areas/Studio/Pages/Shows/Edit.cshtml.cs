using System.ComponentModel.DataAnnotations;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

public sealed class EditModel(BackstageDbContext db, TimeProvider clock, Hosting.PublicCache publicCache) : PageModel
{
    [BindProperty] public ShowInput Input { get; set; } = new();
    public int? Id { get; private set; }

    public sealed class ShowInput
    {
        [Required(ErrorMessage = "Name the designer or brand."), StringLength(120), Display(Name = "Designer or brand")] public string Designer { get; set; } = "";
        [Required(ErrorMessage = "Name the season, e.g. Fall/Winter 2025."), StringLength(60)] public string Season { get; set; } = "";
        [Required(ErrorMessage = "Name the city."), StringLength(60)] public string City { get; set; } = "";
        [Required(ErrorMessage = "Give the date of the show.")] public DateOnly? Date { get; set; }
        [StringLength(120), Display(Name = "Address (slug)")] public string? Slug { get; set; }
        [StringLength(2000)] public string? Description { get; set; }
        public uint Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken ct)
    {
        if (id is null) return Page();
        var s = await db.Shows.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        Id = s.Id;
        Input = new ShowInput
        {
            Designer = s.Designer, Season = s.Season, City = s.City, Date = s.Date, Slug = s.Slug,
            Description = s.Description, Version = s.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken ct)
    {
        Show? show = null;
        if (id is not null)
        {
            show = await db.Shows.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (show is null) return NotFound();
            Id = show.Id;
        }
        if (!ModelState.IsValid) return Page();
        var slug = string.IsNullOrWhiteSpace(Input.Slug) ? Slugs.From($"{Input.Designer} {SeasonCode(Input.Season)}") : Input.Slug.Trim().ToLowerInvariant();
        if (!Slugs.IsValid(slug))
            ModelState.AddModelError("Input.Slug", "The address may use only lowercase letters, digits and single hyphens, e.g. \"dior-fw25\".");
        else if (await db.Shows.AnyAsync(s => s.Slug == slug && s.Id != id, ct))
            ModelState.AddModelError("Input.Slug", $"Another show already uses the address /shows/{slug}. Choose another.");
        if (!ModelState.IsValid) return Page();

        if (show is null) db.Shows.Add(show = new Show());
        else db.Entry(show).Property(s => s.Version).OriginalValue = Input.Version;
        show.Designer = Input.Designer.Trim();
        show.Season = Input.Season.Trim();
        show.City = Input.City.Trim();
        show.Date = Input.Date!.Value;
        show.Slug = slug;
        show.Description = string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim();
        show.UpdatedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "Someone else saved this show after you opened it. Your changes are still in the form; reload the show in a new tab and apply them there.");
            return Page();
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            ModelState.AddModelError("Input.Slug", $"Another show already uses the address /shows/{slug}. Choose another.");
            return Page();
        }
        await publicCache.InvalidateAsync(ct); // readers see the change at once
        TempData["Flash"] = $"Saved {show.Title}.";
        return RedirectToPage(new { id = show.Id });
    }

    /// <summary>"Fall/Winter 2025" → "fw25", "Spring/Summer 2026" → "ss26"; anything else is used as typed.</summary>
    internal static string SeasonCode(string season)
    {
        var words = season.Split([' ', '/', '-'], StringSplitOptions.RemoveEmptyEntries);
        var year = words.LastOrDefault(w => w.Length == 4 && w.All(char.IsDigit));
        if (year is null) return season;
        var letters = string.Concat(words.Where(w => w != year && char.IsLetter(w[0])).Select(w => char.ToLowerInvariant(w[0])));
        return letters + year[2..];
    }
}
