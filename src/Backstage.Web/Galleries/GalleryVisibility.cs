using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// When readers may see a photo: it is Ready AND its show's gallery is public. A gallery is public when the editor has
/// published it on the gallery page, or automatically while a live article embeds it ("::: gallery slug"). Everything
/// else — processing or failed photos, unpublished galleries — is 404 to readers, by slug or by id.
/// </summary>
public sealed class GalleryVisibility(BackstageDbContext db, TimeProvider clock)
{
    /// <summary>The ids among <paramref name="showIds"/> whose galleries readers may see.</summary>
    public async Task<HashSet<int>> PublicShowIdsAsync(IReadOnlyCollection<int> showIds, CancellationToken ct)
    {
        if (showIds.Count == 0) return [];
        var ids = showIds.Distinct().ToArray();
        var published = await db.Set<Gallery>().Where(g => ids.Contains(g.ShowId) && g.PublishedAt != null).Select(g => g.ShowId).ToListAsync(ct);
        var result = new HashSet<int>(published);
        var rest = ids.Where(i => !result.Contains(i)).ToArray();
        if (rest.Length == 0) return result;

        var slugs = await db.Shows.Where(s => rest.Contains(s.Id)).Select(s => new { s.Id, s.Slug }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var s in slugs)
        {
            // Cheap filter in SQL, exact check with the same parser the article uses.
            var needle = s.Slug;
            var bodies = await db.Articles.Live(now).Where(a => a.Body.Contains(needle)).Select(a => a.Body).ToListAsync(ct);
            if (bodies.Any(b => MarkdownRenderer.GallerySlugs(b).Contains(s.Slug))) result.Add(s.Id);
        }
        return result;
    }

    public async Task<bool> IsShowPublicAsync(int showId, CancellationToken ct) => (await PublicShowIdsAsync([showId], ct)).Contains(showId);

    /// <summary>
    /// The public cover rendition of a show's gallery for social cards (1200×630 crop): the chosen cover if Ready,
    /// else the first Ready photo; null when the gallery is not public or has no Ready photo.
    /// </summary>
    public async Task<string?> OpenGraphImageAsync(int showId, CancellationToken ct)
    {
        if (!await IsShowPublicAsync(showId, ct)) return null;
        var coverId = await db.Set<Gallery>().Where(g => g.ShowId == showId).Select(g => g.CoverPhotoId).FirstOrDefaultAsync(ct);
        var photo = await db.Set<Photo>().AsNoTracking()
            .Where(p => p.ShowId == showId && p.Status == PhotoStatus.Ready && p.RenderedFocalKey != null)
            .OrderBy(p => p.Id == coverId ? 0 : 1).ThenBy(p => p.Position)
            .Select(p => new { p.Id, p.RenderedFocalKey }).FirstOrDefaultAsync(ct);
        return photo is null ? null : MediaEndpoints.Url(photo.Id, $"{photo.RenderedFocalKey}/{Media.RenditionPlanner.OpenGraph.Name}");
    }
}
