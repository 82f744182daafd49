using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// The article gate reads the per-photo rule (<see cref="Photo.GateProblems"/>): publishing or scheduling is blocked
/// while any photo of an embedded gallery that is not taken down is not Ready, lacks alt text (and is not marked
/// decorative), lacks a credit, has "No rights" or an expired licence: "At Dior, photo 3 (IMG_0412.jpg): no alt text". An empty gallery may be embedded.
/// </summary>
internal sealed class PhotoPublishCheck(BackstageDbContext db, TimeProvider clock) : IPublishCheck
{
    public async Task<IReadOnlyList<string>> CheckAsync(string markdown, CancellationToken ct)
    {
        var slugs = MarkdownRenderer.GallerySlugs(markdown);
        if (slugs.Count == 0) return [];
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Show).Where(p => slugs.Contains(p.Show!.Slug))
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var problems = new List<string>();
        foreach (var slug in slugs)
        {
            var gallery = photos.Where(p => p.Show!.Slug == slug).ToList();
            problems.AddRange(GalleryEditor.GateProblems(gallery, gallery.Where(p => !p.IsTakenDown), clock.GetUtcNow()));
        }
        return problems;
    }
}
