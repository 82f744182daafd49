using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>One place a photo appears. <see cref="TargetId"/> is the show (gallery, cover) or the article.</summary>
public sealed record PhotoPlaceOfUse(string Kind, string Label, int TargetId, bool LiveForReaders);

/// <summary>
/// Where a photo is used, read from PostgreSQL: its show's gallery, the show cover, and every article whose body embeds
/// that gallery (the article_galleries table, written on each article save). Articles have no social image of their own
/// (their share image is the cover of their first gallery), so there is no such row.
/// </summary>
public sealed class PhotoUsage(BackstageDbContext db, GalleryVisibility visibility, TimeProvider clock)
{
    public async Task<IReadOnlyList<PhotoPlaceOfUse>> PlacesAsync(Photo photo, CancellationToken ct)
    {
        var show = photo.Show ?? await db.Shows.AsNoTracking().FirstAsync(s => s.Id == photo.ShowId, ct);
        var isPublic = await visibility.PublicPhotos().AnyAsync(p => p.Id == photo.Id, ct);
        var places = new List<PhotoPlaceOfUse> { new("gallery", $"Gallery of {show.Title}", show.Id, isPublic) };
        if (await db.Set<Gallery>().AnyAsync(g => g.ShowId == show.Id && g.CoverPhotoId == photo.Id, ct))
            places.Add(new("cover", $"Cover of {show.Title}", show.Id, isPublic));
        var now = clock.GetUtcNow();
        var articles = await db.Articles.AsNoTracking().Embedding(db, show.Slug).OrderByDescending(a => a.UpdatedAt).ToListAsync(ct);
        foreach (var a in articles)
        {
            var live = a.IsLive(now);
            var state = a.EffectiveStatus(now) switch { ArticleStatus.Published => "published", ArticleStatus.Scheduled => "scheduled", _ => "draft" };
            places.Add(new("article", $"Article: {a.Title} ({state})", a.Id, live && isPublic));
        }
        return places;
    }
}
