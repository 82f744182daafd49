using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Newsletter;

/// <summary>One thumbnail in an email: a JPEG rendition with its size and alt text, linked to the photo's page.</summary>
public sealed record EmailPhoto(int PhotoId, string ImageUrl, int Width, int Height, string Alt, string PageUrl, string? CreditLine);

/// <summary>One show's gallery as an email shows it: up to <see cref="IssueContent.ThumbnailsPerGallery"/> thumbnails and the link to all.</summary>
public sealed record EmailGallery(string Title, string ShowUrl, int TotalPhotos, IReadOnlyList<EmailPhoto> Photos)
{
    /// <summary>The distinct public credit lines of the photos shown ("Photo: Camille Martin / Backstage Pictures").</summary>
    public IReadOnlyList<string> Credits => Photos.Select(p => p.CreditLine).OfType<string>().Distinct().ToList();
}

public sealed record EmailStory(StoryKind Kind, int TargetId, string Title, string Url, string? Summary, IReadOnlyList<EmailGallery> Galleries);

/// <summary>What an issue holds for readers right now, and what its picked stories lost to the public rules.</summary>
public sealed record IssueStories(IReadOnlyList<EmailStory> Stories, IReadOnlyList<string> LeftOut)
{
    public IEnumerable<int> PhotoIds => Stories.SelectMany(s => s.Galleries).SelectMany(g => g.Photos).Select(p => p.PhotoId);
}

/// <summary>
/// Reads an issue's stories under the readers' rules, every time it is rendered (preview, test, each batch of a send,
/// the web version): live articles (<see cref="ArticleQueries.Live"/>), live shows (<see cref="GalleryVisibility.ShowLive"/>)
/// and, for photos, <see cref="GalleryVisibility.PublicPhotos"/> on <see cref="Surface.Newsletter"/> (deny wins). A photo taken
/// down, unpublished, out of its licence window or marked "Not in newsletters" after composing is left out of the next message.
/// </summary>
public sealed class IssueContent(BackstageDbContext db, GalleryVisibility visibility, MediaUrls media, SubscriberLinks links, TimeProvider clock)
{
    public const int ThumbnailsPerGallery = 6;
    /// <summary>The widest JPEG rendition used for a thumbnail (shown at about 180 CSS pixels, so sharp on 2× screens).</summary>
    public const int ThumbnailSourceWidth = 640;

    public async Task<IssueStories> LoadAsync(long issueId, CancellationToken ct)
    {
        var picked = await db.Set<NewsletterStory>().AsNoTracking().Where(s => s.IssueId == issueId).OrderBy(s => s.Position).ThenBy(s => s.Id).ToListAsync(ct);
        return await LoadAsync(picked.Select(s => (s.Kind, s.TargetId)).ToList(), ct);
    }

    public async Task<IssueStories> LoadAsync(IReadOnlyList<(StoryKind Kind, int TargetId)> picked, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var articleIds = picked.Where(p => p.Kind == StoryKind.Article).Select(p => p.TargetId).ToList();
        var showIds = picked.Where(p => p.Kind == StoryKind.Show).Select(p => p.TargetId).ToList();
        var articles = await db.Articles.AsNoTracking().Live(now).Where(a => articleIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var shows = await db.Shows.AsNoTracking().Where(GalleryVisibility.ShowLive(now)).Where(s => showIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var stories = new List<EmailStory>();
        var leftOut = new List<string>();
        foreach (var (kind, id) in picked)
        {
            if (kind == StoryKind.Article)
            {
                if (!articles.TryGetValue(id, out var a)) { leftOut.Add($"Article #{id} is not published, so it is left out."); continue; }
                var galleries = new List<EmailGallery>();
                foreach (var slug in MarkdownRenderer.GallerySlugs(a.Body))
                    if (await GalleryBySlugAsync(slug, now, ct) is { } g) galleries.Add(g);
                stories.Add(new EmailStory(kind, id, a.Title, links.Absolute("/articles/" + a.Slug), a.Standfirst, galleries));
            }
            else
            {
                if (!shows.TryGetValue(id, out var s)) { leftOut.Add($"Show #{id} is not live, so it is left out."); continue; }
                var g = await GalleryAsync(s, ct);
                stories.Add(new EmailStory(kind, id, s.Title, links.Absolute("/shows/" + s.Slug),
                    string.IsNullOrWhiteSpace(s.Description) ? $"{s.Season}, {s.City}" : s.Description, g.Photos.Count == 0 ? [] : [g]));
            }
        }
        return new IssueStories(stories, leftOut);
    }

    private async Task<EmailGallery?> GalleryBySlugAsync(string slug, DateTimeOffset now, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().Where(GalleryVisibility.ShowLive(now)).FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (show is null) return null;
        var g = await GalleryAsync(show, ct);
        return g.Photos.Count == 0 ? null : g;
    }

    private async Task<EmailGallery> GalleryAsync(Show show, CancellationToken ct)
    {
        // Thumbnails: only what the newsletter surface allows. The total: what the linked gallery page shows readers.
        var photos = await visibility.PublicPhotos(Surface.Newsletter).AsNoTracking().Include(p => p.Renditions)
            .Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ThenBy(p => p.Id)
            .Take(ThumbnailsPerGallery * 2).ToListAsync(ct);
        var total = await visibility.PublicPhotos().CountAsync(p => p.ShowId == show.Id, ct);
        var thumbs = new List<EmailPhoto>();
        foreach (var p in photos)
        {
            if (thumbs.Count == ThumbnailsPerGallery) break;
            if (media.Public(p).Jpeg(ThumbnailSourceWidth) is not { } jpg || jpg.Width <= 0 || jpg.Height <= 0) continue;
            thumbs.Add(new EmailPhoto(p.Id, links.Absolute(jpg.Url), jpg.Width, jpg.Height, p.Decorative ? "" : p.AltText ?? "",
                links.Absolute(Photo.PageUrl(show.Slug, p.Position)), p.CreditLine));
        }
        return new EmailGallery(show.Title, links.Absolute("/shows/" + show.Slug), Math.Max(total, thumbs.Count), thumbs);
    }
}
