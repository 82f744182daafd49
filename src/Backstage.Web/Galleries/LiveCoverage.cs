using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>A show the desk is covering now, with what its contact sheet still needs.</summary>
public sealed record LiveShow(Show Show, int Published, int ToCaption, int NeedAlt, int NeedCredit, int Unpublished);

/// <summary>
/// Which shows are "live now" for the studio's dashboard and shows list: those whose "Start live coverage" was pressed
/// and not yet ended (<see cref="Show.InLiveCoverage"/>), the same switch that opens the readers' live stream.
/// </summary>
public static class LiveCoverage
{
    public static async Task<List<LiveShow>> NowAsync(BackstageDbContext db, CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Where(s => s.LiveCoverageStartedAt != null && s.LiveCoverageEndedAt == null).ToListAsync(ct);
        if (shows.Count == 0) return [];
        var live = shows.Select(s => s.Id).ToList();
        var counts = await db.Set<Photo>().Where(p => live.Contains(p.ShowId) && p.TakenDownAt == null).GroupBy(p => p.ShowId).Select(g => new
        {
            g.Key,
            Published = g.Count(p => p.PublishedAt != null),
            // The same tests as Photo.NeedsAlt / NeedsCredit, in SQL.
            ToCaption = g.Count(p => string.IsNullOrWhiteSpace(p.Caption) || (!p.Decorative && string.IsNullOrWhiteSpace(p.AltText))),
            NeedAlt = g.Count(p => !p.Decorative && string.IsNullOrWhiteSpace(p.AltText)),
            NeedCredit = g.Count(p => string.IsNullOrWhiteSpace(p.Credit)),
            Unpublished = g.Count(p => p.PublishedAt == null),
        }).ToDictionaryAsync(x => x.Key, ct);
        return shows.Select(s => counts.TryGetValue(s.Id, out var c) ? new LiveShow(s, c.Published, c.ToCaption, c.NeedAlt, c.NeedCredit, c.Unpublished) : new LiveShow(s, 0, 0, 0, 0, 0))
            .OrderByDescending(l => l.Published).ToList();
    }
}
