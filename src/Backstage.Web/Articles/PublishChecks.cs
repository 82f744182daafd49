using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Articles;

/// <summary>
/// A reason an article cannot go live yet. Every registered check runs before Publish or Schedule; each problem is
/// shown to the editor as-is, so say exactly what to fix.
/// </summary>
public interface IPublishCheck
{
    Task<IReadOnlyList<string>> CheckAsync(string markdown, CancellationToken ct);
}

/// <summary>Every "::: gallery slug" must name an existing show.</summary>
internal sealed class GalleryShowsExistCheck(BackstageDbContext db) : IPublishCheck
{
    public async Task<IReadOnlyList<string>> CheckAsync(string markdown, CancellationToken ct)
    {
        var slugs = MarkdownRenderer.GallerySlugs(markdown);
        if (slugs.Count == 0) return [];
        var known = await db.Shows.Where(s => slugs.Contains(s.Slug)).Select(s => s.Slug).ToListAsync(ct);
        return slugs.Except(known).Select(s => $"The gallery \"{s}\" does not match any show. Check the slug in \"::: gallery {s}\".").ToList();
    }
}
