using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// Blocks publishing or scheduling while any photo of an embedded gallery is not Ready, lacks alt text (and is not marked
/// decorative) or lacks a credit: "At Dior, photo 3 (IMG_0412.jpg): no alt text". An empty gallery may be embedded
/// (it renders as a link to the show page until photos arrive).
/// </summary>
internal sealed class PhotoPublishCheck(BackstageDbContext db) : IPublishCheck
{
    public async Task<IReadOnlyList<string>> CheckAsync(string markdown, CancellationToken ct)
    {
        var slugs = MarkdownRenderer.GallerySlugs(markdown);
        if (slugs.Count == 0) return [];
        var shows = await db.Shows.AsNoTracking().Where(s => slugs.Contains(s.Slug)).ToListAsync(ct);
        var ids = shows.Select(s => s.Id).ToList();
        var photos = await db.Set<Photo>().AsNoTracking().Where(p => ids.Contains(p.ShowId))
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var problems = new List<string>();
        foreach (var slug in slugs)
        {
            var show = shows.FirstOrDefault(s => s.Slug == slug);
            if (show is null) continue;
            int n = 0;
            foreach (var p in photos.Where(p => p.ShowId == show.Id))
            {
                n++;
                var issues = new List<string>();
                if (p.Status == PhotoStatus.Processing) issues.Add("still processing");
                if (p.Status == PhotoStatus.Failed) issues.Add($"failed to process ({p.LastError}) — retry or delete it");
                if (p.NeedsAlt) issues.Add("no alt text (describe it, or mark it decorative)");
                if (p.NeedsCredit) issues.Add("no photographer credit");
                if (issues.Count > 0) problems.Add($"{show.Title}, photo {n} ({p.OriginalFileName}): {string.Join("; ", issues)}.");
            }
        }
        return problems;
    }
}
