using System.Security.Claims;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Authorization;
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
        foreach (var s in slugs)
            if ((await LiveArticlesEmbeddingAsync(s.Slug, ct)).Count > 0) result.Add(s.Id);
        return result;
    }

    /// <summary>Live articles that embed the gallery of the show <paramref name="slug"/>, newest first.</summary>
    public async Task<List<Article>> LiveArticlesEmbeddingAsync(string slug, CancellationToken ct)
    {
        // Cheap filter in SQL, exact check with the same parser the article uses.
        var candidates = await db.Articles.AsNoTracking().Live(clock.GetUtcNow()).Where(a => a.Body.Contains(slug))
            .OrderByDescending(a => a.PublishAt).ToListAsync(ct);
        return candidates.Where(a => MarkdownRenderer.GallerySlugs(a.Body).Contains(slug)).ToList();
    }

    /// <summary>Editors and admins (studio policy) also see unpublished galleries, so previews look like the real thing.</summary>
    public static async Task<bool> SeesUnpublishedAsync(IAuthorizationService authz, ClaimsPrincipal? user) =>
        user is { Identity.IsAuthenticated: true } && (await authz.AuthorizeAsync(user, Policies.Studio)).Succeeded;

    public async Task<bool> IsShowPublicAsync(int showId, CancellationToken ct) => (await PublicShowIdsAsync([showId], ct)).Contains(showId);
}
