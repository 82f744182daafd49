using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>Create and edit a show, and publish it: Draft / Scheduled / Published, plus an embargo ("not before").
/// One handler per button; <see cref="ShowPublishing"/> does each in one transaction.</summary>
public sealed class EditModel(BackstageDbContext db, SiteTime time, ShowPublishing publishing) : PageModel
{
    [BindProperty] public ShowInput Input { get; set; } = new();
    public int? Id { get; private set; }
    public Show? Current { get; private set; }
    public string ZoneName => time.ZoneName;
    public string Format(DateTimeOffset? at) => $"{time.Format(at)} ({time.ZoneName})";
    public string StatusText => Current switch
    {
        null => "New show, not saved yet",
        { Status: ShowStatus.Draft } => "Draft: readers see nothing of this show",
        { } s when s.LiveAt > time.Now => $"Scheduled: goes live {time.Format(s.LiveAt)} ({time.ZoneName})" +
            (s.EmbargoUntil == s.LiveAt ? " — embargo" : ""),
        { } s => $"Published {time.Format(s.LiveAt)} ({time.ZoneName})",
    };

    public sealed class ShowInput
    {
        [Required(ErrorMessage = "Name the designer or brand."), StringLength(120), Display(Name = "Designer or brand")] public string Designer { get; set; } = "";
        [Required(ErrorMessage = "Name the season, e.g. Fall/Winter 2025."), StringLength(60)] public string Season { get; set; } = "";
        [Required(ErrorMessage = "Name the city."), StringLength(60)] public string City { get; set; } = "";
        [Required(ErrorMessage = "Give the date of the show.")] public DateOnly? Date { get; set; }
        [StringLength(120), Display(Name = "Address (slug)")] public string? Slug { get; set; }
        [StringLength(2000)] public string? Description { get; set; }
        [Display(Name = "Publish at")] public DateTime? PublishAtLocal { get; set; }
        [Display(Name = "Embargo: not before")] public DateTime? EmbargoLocal { get; set; }
        public uint Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken ct)
    {
        if (id is null) return Page();
        var s = await db.Shows.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return NotFound();
        (Id, Current) = (s.Id, s);
        Input = new ShowInput
        {
            Designer = s.Designer, Season = s.Season, City = s.City, Date = s.Date, Slug = s.Slug,
            Description = s.Description, Version = s.Version,
            PublishAtLocal = s.Status == ShowStatus.Scheduled && s.PublishAt is { } at ? time.ToLocal(at) : null,
            EmbargoLocal = s.EmbargoUntil is { } e ? time.ToLocal(e) : null,
        };
        return Page();
    }

    public Task<IActionResult> OnPostAsync(int? id, CancellationToken ct) => SaveAsync(id, "save", ct);
    public Task<IActionResult> OnPostPublishAsync(int? id, CancellationToken ct) => SaveAsync(id, "publish", ct);
    public Task<IActionResult> OnPostScheduleAsync(int? id, CancellationToken ct) => SaveAsync(id, "schedule", ct);
    public Task<IActionResult> OnPostUnpublishAsync(int? id, CancellationToken ct) => SaveAsync(id, "unpublish", ct);

    public Task<IActionResult> OnPostStartLiveCoverageAsync(int id, CancellationToken ct) => LiveCoverageAsync(id, true, ct);
    public Task<IActionResult> OnPostEndLiveCoverageAsync(int id, CancellationToken ct) => LiveCoverageAsync(id, false, ct);

    private async Task<IActionResult> LiveCoverageAsync(int id, bool on, CancellationToken ct)
    {
        var outcome = await publishing.SetLiveCoverageAsync(id, on, Actor.From(User), ct);
        if (!outcome.Ok) return NotFound();
        TempData["Flash"] = outcome.Message;
        return RedirectToPage("", new { id });
    }

    /// <summary>Checks the form, then lets <see cref="ShowPublishing"/> save it with the state <paramref name="action"/> chose.</summary>
    private async Task<IActionResult> SaveAsync(int? id, string action, CancellationToken ct)
    {
        if (id is not null)
        {
            Current = await db.Shows.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (Current is null) return NotFound();
            Id = Current.Id;
        }
        if (!ModelState.IsValid) return Page();
        var slug = string.IsNullOrWhiteSpace(Input.Slug) ? Slugs.From($"{Input.Designer} {SeasonCode(Input.Season)}") : Input.Slug.Trim().ToLowerInvariant();
        if (!Slugs.IsValid(slug))
            ModelState.AddModelError("Input.Slug", "The address may use only lowercase letters, digits and single hyphens, e.g. \"dior-fw25\".");
        else if (await db.Shows.AnyAsync(s => s.Slug == slug && s.Id != id, ct))
            ModelState.AddModelError("Input.Slug", $"Another show already uses the address /shows/{slug}. Choose another.");
        var (status, publishAt) = PublishSchedule.Apply(action, Current?.Status ?? ShowStatus.Draft, Current?.PublishAt, Input.PublishAtLocal, "show", time, ModelState);
        if (!ModelState.IsValid) return Page();

        var fields = new ShowFields(Input.Designer.Trim(), Input.Season.Trim(), Input.City.Trim(), Input.Date!.Value, slug,
            string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim(),
            Input.EmbargoLocal is { } local ? time.ToUtc(local) : null, Input.Version);
        var outcome = await publishing.SaveAsync(id, fields, status, publishAt, Actor.From(User), ct);
        if (!outcome.Ok)
        {
            ModelState.AddModelError(outcome.Field ?? "", outcome.Message);
            return Page();
        }
        var show = await db.Shows.AsNoTracking().FirstAsync(s => s.Id == outcome.Id, ct);
        TempData["Flash"] = action switch
        {
            "publish" => $"Published {show.Title}." + (show.IsLive(time.Now) ? " Readers see it and its published photos now." : $" The embargo holds it until {time.Format(show.LiveAt)} ({time.ZoneName})."),
            "schedule" => $"Scheduled {show.Title} for {time.Format(show.LiveAt)} ({time.ZoneName}).",
            "unpublish" => $"Unpublished {show.Title}: readers no longer see it.",
            _ => $"Saved {show.Title}.",
        };
        return RedirectToPage("", new { id = show.Id });
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
