using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>Create and edit a show, and publish it: Draft / Scheduled / Published, plus an embargo ("not before").</summary>
public sealed class EditModel(BackstageDbContext db, SiteTime time, JobQueue queue, PublicCache publicCache) : PageModel
{
    [BindProperty] public ShowInput Input { get; set; } = new();
    public int? Id { get; private set; }
    public Show? Current { get; private set; }
    public string ZoneName => time.ZoneName;
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

    public async Task<IActionResult> OnPostAsync(int? id, string? action, CancellationToken ct)
    {
        Show? show = null;
        if (id is not null)
        {
            show = await db.Shows.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (show is null) return NotFound();
            (Id, Current) = (show.Id, show);
        }
        if (!ModelState.IsValid) return Page();
        var slug = string.IsNullOrWhiteSpace(Input.Slug) ? Slugs.From($"{Input.Designer} {SeasonCode(Input.Season)}") : Input.Slug.Trim().ToLowerInvariant();
        if (!Slugs.IsValid(slug))
            ModelState.AddModelError("Input.Slug", "The address may use only lowercase letters, digits and single hyphens, e.g. \"dior-fw25\".");
        else if (await db.Shows.AnyAsync(s => s.Slug == slug && s.Id != id, ct))
            ModelState.AddModelError("Input.Slug", $"Another show already uses the address /shows/{slug}. Choose another.");
        var (status, publishAt) = PublishSchedule.Apply(action, show?.Status ?? ShowStatus.Draft, show?.PublishAt, Input.PublishAtLocal, "show", time, ModelState);
        var embargo = Input.EmbargoLocal is { } local ? time.ToUtc(local) : (DateTimeOffset?)null;
        if (!ModelState.IsValid) return Page();

        if (show is null) db.Shows.Add(show = new Show());
        else db.Entry(show).Property(s => s.Version).OriginalValue = Input.Version;
        show.Designer = Input.Designer.Trim();
        show.Season = Input.Season.Trim();
        show.City = Input.City.Trim();
        show.Date = Input.Date!.Value;
        show.Slug = slug;
        show.Description = string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim();
        var actor = Actor.From(User);
        if (show.Status != status || show.PublishAt != publishAt)
            _log.Add((status switch { ShowStatus.Draft => StudioActions.Unpublish, ShowStatus.Scheduled => StudioActions.Schedule, _ => StudioActions.Publish },
                status == ShowStatus.Scheduled ? $"goes live {time.Format(publishAt)} ({time.ZoneName})" : null));
        if (show.EmbargoUntil != embargo)
            _log.Add((StudioActions.Embargo, embargo is null ? "embargo lifted" : $"not before {time.Format(embargo)} ({time.ZoneName})"));
        (show.Status, show.PublishAt, show.EmbargoUntil) = (status, publishAt, embargo);
        show.UpdatedAt = time.Now;
        try
        {
            await db.SaveChangesAsync(ct);
            foreach (var (logged, why) in _log) StudioLog.Record(db, actor, time.Now, logged, "show", show.Id, show.Title, why);
            ShowLiveHandler.Schedule(db, queue, show, time.Now);
            await db.SaveChangesAsync(ct); // the log and the go-live job need the new show's id
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
        TempData["Flash"] = action switch
        {
            "publish" => $"Published {show.Title}." + (show.IsLive(time.Now) ? " Readers see it and its published photos now." : $" The embargo holds it until {time.Format(show.LiveAt)} ({time.ZoneName})."),
            "schedule" => $"Scheduled {show.Title} for {time.Format(show.LiveAt)} ({time.ZoneName}).",
            "unpublish" => $"Unpublished {show.Title}: readers no longer see it.",
            _ => $"Saved {show.Title}.",
        };
        return RedirectToPage(new { id = show.Id });
    }

    private readonly List<(string Action, string? Why)> _log = [];

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
