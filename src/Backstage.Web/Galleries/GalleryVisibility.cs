using System.Linq.Expressions;
using System.Security.Claims;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// The one rule for what a reader sees (docs/galleries.md, "Publishing model"). A photo reaches a reader only if its
/// show is live (not a draft, its publish time and its embargo passed), the photo itself is published, Ready, not taken
/// down and passes the gate (credit, and alt text or marked decorative), and its rights allow it now (not "No rights",
/// inside its valid-from / valid-until window); each surface also honours the photo's restrictions (<see cref="Surface"/>, deny wins). Every public surface — show page, article embed,
/// photo page, lightbox, OpenGraph, JSON-LD, image sitemap, feed, search, media — asks here (search spells the same rule in
/// SQL: <see cref="PublicPhotoSql"/>). Staff (studio policy) preview every Ready photo that is not taken down.
/// </summary>
public sealed class GalleryVisibility(BackstageDbContext db, TimeProvider clock, IHttpContextAccessor http, IAuthorizationService authz)
{
    private bool? _staff;

    public static Expression<Func<Show, bool>> ShowLive(DateTimeOffset now) =>
        s => s.Status != ShowStatus.Draft && s.PublishAt <= now && (s.EmbargoUntil == null || s.EmbargoUntil <= now);

    /// <summary>
    /// Photos any reader may see now on <paramref name="surface"/>: the gate, the rights (a category other than "No
    /// rights", "valid from" passed, "valid until" not reached) and, deny wins, no restriction forbidding the surface.
    /// </summary>
    public IQueryable<Photo> PublicPhotos(Surface surface = Surface.Page) => PublicPhotos(surface, Now);

    /// <summary>The clock's time now (what <see cref="PublicPhotos(Surface)"/> compares with).</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary><see cref="PublicPhotos(Surface)"/> at <paramref name="now"/>; usable inside another query (a subquery).</summary>
    public IQueryable<Photo> PublicPhotos(Surface surface, DateTimeOffset now)
    {
        var q = db.Set<Photo>().Where(p => p.Status == PhotoStatus.Ready && p.PublishedAt != null && p.TakenDownAt == null
            && (p.Decorative || !string.IsNullOrWhiteSpace(p.AltText)) && !string.IsNullOrWhiteSpace(p.Credit)
            && p.RightsCategory != RightsCategory.NoRights && (p.ValidFrom == null || p.ValidFrom <= now) && (p.ValidUntil == null || p.ValidUntil > now)
            && p.Show!.Status != ShowStatus.Draft && p.Show.PublishAt <= now && (p.Show.EmbargoUntil == null || p.Show.EmbargoUntil <= now));
        return surface switch
        {
            Surface.Social => q.Where(p => !p.NoSocial),
            Surface.Newsletter => q.Where(p => !p.NotInNewsletters),
            Surface.Search => q.Where(p => !p.NotInSearch),
            _ => q,
        };
    }

    /// <summary>Whether <paramref name="p"/> (already known to be public) may appear on <paramref name="surface"/>: deny wins.</summary>
    public static bool Allows(Photo p, Surface surface) => Rights.Allows(p, surface);

    /// <summary>The same rule as <see cref="PublicPhotos(Surface)"/> for raw SQL over "photos p JOIN shows s" with a parameter @now.</summary>
    public const string PublicPhotoSql = """
        p.status = 'Ready' AND p.published_at IS NOT NULL AND p.taken_down_at IS NULL
        AND (p.decorative OR coalesce(btrim(p.alt_text), '') <> '') AND coalesce(btrim(p.credit), '') <> ''
        AND p.rights_category <> 'NoRights' AND (p.valid_from IS NULL OR p.valid_from <= @now) AND (p.valid_until IS NULL OR p.valid_until > @now)
        AND s.status <> 'Draft' AND s.publish_at <= @now AND (s.embargo_until IS NULL OR s.embargo_until <= @now)
        """;

    /// <summary>Added to <see cref="PublicPhotoSql"/> where the photo is shown as a search result or in the image sitemap.</summary>
    public const string SearchSurfaceSql = "AND NOT p.not_in_search";

    /// <summary>The same rule as <see cref="ShowLive"/> for raw SQL over "shows s" with a parameter @now.</summary>
    public const string LiveShowSql = "s.status <> 'Draft' AND s.publish_at <= @now AND (s.embargo_until IS NULL OR s.embargo_until <= @now)";

    /// <summary>What the current viewer may see: <see cref="PublicPhotos(Surface)"/>, or for staff every Ready photo not taken down.</summary>
    public async Task<IQueryable<Photo>> VisiblePhotosAsync() => await ViewerIsStaffAsync()
        ? db.Set<Photo>().Where(p => p.Status == PhotoStatus.Ready && p.TakenDownAt == null)
        : PublicPhotos();

    /// <summary>The ids among <paramref name="showIds"/> that are live for readers.</summary>
    public async Task<HashSet<int>> LiveShowIdsAsync(IReadOnlyCollection<int> showIds, CancellationToken ct)
    {
        if (showIds.Count == 0) return [];
        var ids = showIds.Distinct().ToArray();
        return (await db.Shows.Where(s => ids.Contains(s.Id)).Where(ShowLive(clock.GetUtcNow())).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
    }

    public async Task<bool> IsShowLiveAsync(int showId, CancellationToken ct) => (await LiveShowIdsAsync([showId], ct)).Contains(showId);

    /// <summary>Live shows, or any show for staff.</summary>
    public async Task<bool> CanSeeShowAsync(int showId, CancellationToken ct) => await ViewerIsStaffAsync() || await IsShowLiveAsync(showId, ct);

    /// <summary>Live articles that embed the gallery of the show <paramref name="slug"/> (the embeds table), newest first.</summary>
    public Task<List<Article>> LiveArticlesEmbeddingAsync(string slug, CancellationToken ct) =>
        db.Articles.AsNoTracking().Live(clock.GetUtcNow()).Embedding(db, slug).OrderByDescending(a => a.PublishAt).ToListAsync(ct);

    /// <summary>Editors and admins (studio policy) also see unpublished galleries, so previews look like the real thing.</summary>
    public async Task<bool> ViewerIsStaffAsync() => _staff ??= await IsStaffAsync(authz, http.HttpContext?.User);

    private static async Task<bool> IsStaffAsync(IAuthorizationService authz, ClaimsPrincipal? user) =>
        user is { Identity.IsAuthenticated: true } && (await authz.AuthorizeAsync(user, Policies.Studio)).Succeeded;
}
