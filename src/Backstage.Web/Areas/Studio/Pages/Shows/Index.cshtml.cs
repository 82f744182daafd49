using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Shows;

/// <summary>Every show with its state (draft, scheduled, embargoed, live) and what its gallery still needs, linked to the gallery's filters.</summary>
public sealed class IndexModel(BackstageDbContext db, SiteTime time, TimeProvider clock) : PageModel
{
    public sealed record Counts(int Photos, int Published, int Processing, int NeedAlt, int NeedCredit, int TakenDown);

    public IReadOnlyList<Show> Shows { get; private set; } = [];
    public Dictionary<int, Counts> PhotoCounts { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    /// <summary>Shows in live coverage now (<see cref="LiveCoverage"/>): the list badges them "Live now".</summary>
    public HashSet<int> LiveNow { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        LiveNow = (await LiveCoverage.NowAsync(db, ct)).Select(l => l.Show.Id).ToHashSet();
        Shows = await db.Shows.AsNoTracking().OrderByDescending(s => s.Date).ThenBy(s => s.Designer).ToListAsync(ct);
        PhotoCounts = await db.Set<Photo>().GroupBy(p => p.ShowId).Select(g => new
        {
            g.Key,
            Counts = new Counts(
                g.Count(p => p.TakenDownAt == null),
                g.Count(p => p.TakenDownAt == null && p.PublishedAt != null),
                g.Count(p => p.TakenDownAt == null && p.Status == PhotoStatus.Processing),
                // The same tests as Photo.NeedsAlt / NeedsCredit and the public gate (GalleryVisibility), in SQL.
                g.Count(p => p.TakenDownAt == null && !p.Decorative && string.IsNullOrWhiteSpace(p.AltText)),
                g.Count(p => p.TakenDownAt == null && string.IsNullOrWhiteSpace(p.Credit)),
                g.Count(p => p.TakenDownAt != null)),
        }).ToDictionaryAsync(x => x.Key, x => x.Counts, ct);
    }

    /// <summary>"Draft", "Scheduled for 3 Mar 2026, 10:00", "Embargoed until …", "Live since …".</summary>
    public string State(Show s) => s.LiveAt switch
    {
        null => "Draft",
        { } at when at <= Now => $"Live since {time.Format(at)}",
        { } at when s.EmbargoUntil == at => $"Embargoed until {time.Format(at)}",
        { } at => $"Scheduled for {time.Format(at)}",
    };
}
