using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>A show the desk is covering now, with what its contact sheet still needs.</summary>
public sealed record LiveShow(Show Show, int Published, int ToCaption, int NeedAlt, int NeedCredit, int Unpublished);

/// <summary>
/// Which shows are "live now" for the studio's dashboard and shows list: live for readers, with a photo published in the
/// last <see cref="Window"/>. (Until shows carry their own live-coverage switch; then that switch is the rule.)
/// </summary>
public static class LiveCoverage
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(3);

    public static async Task<List<LiveShow>> NowAsync(BackstageDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Window;
        var ids = await db.Set<Photo>().Where(p => p.TakenDownAt == null && p.PublishedAt > since).Select(p => p.ShowId).Distinct().ToListAsync(ct);
        if (ids.Count == 0) return [];
        var shows = (await db.Shows.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct)).Where(s => s.IsLive(now)).ToList();
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
        return shows.Select(s => counts[s.Id] is var c ? new LiveShow(s, c.Published, c.ToCaption, c.NeedAlt, c.NeedCredit, c.Unpublished) : null!)
            .OrderByDescending(l => l.Published).ToList();
    }
}
