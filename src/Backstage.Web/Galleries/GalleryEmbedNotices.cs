using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// The article gate's list of what its embedded galleries hold back from readers: a draft, scheduled or embargoed show,
/// and unpublished photos (how many are ready, how many were unpublished on purpose). Read-only: publishing the article
/// never changes any of it; the editor's explicit buttons do.
/// </summary>
internal sealed class GalleryEmbedNotices(BackstageDbContext db, SiteTime time) : IEmbedNotices
{
    public async Task<IReadOnlyList<EmbedNotice>> ForAsync(string markdown, CancellationToken ct)
    {
        var slugs = MarkdownRenderer.GallerySlugs(markdown);
        if (slugs.Count == 0) return [];
        var shows = await db.Shows.AsNoTracking().Where(s => slugs.Contains(s.Slug)).ToListAsync(ct);
        var ids = shows.Select(s => s.Id).ToList();
        var photos = await db.Set<Photo>().AsNoTracking().Where(p => ids.Contains(p.ShowId) && p.PublishedAt == null && p.TakenDownAt == null).ToListAsync(ct);
        var notices = new List<EmbedNotice>();
        foreach (var show in slugs.Select(slug => shows.FirstOrDefault(s => s.Slug == slug)).OfType<Show>())
        {
            var unpublished = photos.Where(p => p.ShowId == show.Id).ToList();
            var held = unpublished.Count(p => p.HeldBack);
            var ready = unpublished.Count(p => !p.HeldBack && p.GateProblems(time.Now).Count == 0);
            var offerShow = show.Status != ShowStatus.Published || show.PublishAt > time.Now;
            string? state = show.LiveAt switch
            {
                null => $"{show.Title} is a draft: readers see nothing of its gallery until the show is published.",
                { } at when at > time.Now && show.EmbargoUntil == at =>
                    $"{show.Title} is under embargo until {When(at)}: its gallery will appear then.",
                { } at when at > time.Now => $"{show.Title} is scheduled for {When(at)}: its gallery will appear then.",
                _ => null,
            };
            if (state is not null) notices.Add(new EmbedNotice(show.Id, show.Title, state, offerShow, 0));
            if (unpublished.Count > 0)
            {
                var detail = new List<string>();
                if (ready > 0) detail.Add($"{ready} ready to publish");
                if (held > 0) detail.Add($"{held} unpublished on purpose (publish those one by one in the gallery)");
                if (unpublished.Count - ready - held is > 0 and var notReady) detail.Add($"{notReady} not ready");
                notices.Add(new EmbedNotice(show.Id, show.Title,
                    $"{unpublished.Count} photo{(unpublished.Count == 1 ? " of " + show.Title + " is" : "s of " + show.Title + " are")} unpublished ({string.Join("; ", detail)}).",
                    false, ready));
            }
        }
        return notices;
    }

    private string When(DateTimeOffset at) => $"{time.ToLocal(at):ddd d MMM, HH:mm} ({time.ZoneName})";
}
