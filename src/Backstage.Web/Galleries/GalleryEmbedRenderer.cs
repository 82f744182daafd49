using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// The real gallery embed (articles and /shows/{slug}): a &lt;figure&gt; per photo the viewer may see
/// (<see cref="GalleryVisibility"/>), each a <see cref="PhotoFigureTagHelper"/>; editors (studio policy) also see unpublished
/// ones, fetched from this site rather than the CDN, so article previews look like the real thing. A live show
/// with no public photo yet renders a link to the show; a show readers may not see renders nothing.
/// </summary>
internal sealed class GalleryEmbedRenderer(BackstageDbContext db, GalleryVisibility visibility, MediaUrls media, MediaOptionsAccessor options) : IGalleryEmbedRenderer
{
    public async Task<IReadOnlyDictionary<string, string>> RenderAsync(IReadOnlyCollection<string> showSlugs, CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Where(s => showSlugs.Contains(s.Slug)).ToListAsync(ct);
        var ids = shows.Select(s => s.Id).ToList();
        var staff = await visibility.ViewerIsStaffAsync();
        var visible = staff ? ids.ToHashSet() : await visibility.LiveShowIdsAsync(ids, ct);
        var photos = await (await visibility.VisiblePhotosAsync()).AsNoTracking().Include(p => p.Renditions)
            .Where(p => visible.Contains(p.ShowId))
            .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var byShow = photos.ToLookup(p => p.ShowId);
        var enc = HtmlEncoder.Default;
        bool first = true;
        var result = new Dictionary<string, string>();
        // Keep the caller's order so "first image eager" means the first one on the page.
        foreach (var slug in showSlugs)
        {
            var s = shows.FirstOrDefault(x => x.Slug == slug);
            if (s is null || !visible.Contains(s.Id)) continue;
            var list = byShow[s.Id].ToList();
            var html = new StringBuilder();
            if (list.Count == 0)
            {
                html.Append("<aside class=\"gallery gallery-placeholder\"><p>Gallery: <a href=\"/shows/").Append(enc.Encode(s.Slug)).Append("\">")
                    .Append(enc.Encode(s.Title)).Append("</a> — ").Append(enc.Encode(s.Season)).Append(", ").Append(enc.Encode(s.City)).Append("</p></aside>");
            }
            else
            {
                html.Append("<section class=\"gallery\" data-show=\"").Append(enc.Encode(s.Slug)).Append("\" aria-label=\"")
                    .Append(enc.Encode($"Gallery: {s.Title}")).Append("\">");
                using var writer = new StringWriter(html, CultureInfo.InvariantCulture);
                foreach (var p in list)
                {
                    new PhotoFigureTagHelper(media, options) { Photo = p, Eager = first, PageUrl = Photo.PageUrl(s.Slug, p.Position), Preview = staff }
                        .Render().WriteTo(writer, enc);
                    first = false;
                }
                html.Append("</section>");
            }
            result[slug] = html.ToString();
        }
        return result;
    }
}
