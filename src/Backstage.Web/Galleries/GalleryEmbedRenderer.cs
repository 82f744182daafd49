using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Backstage.Media;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// The real gallery embed (articles and /shows/{slug}): a &lt;figure&gt; per photo the viewer may see
/// (<see cref="GalleryVisibility"/>) with AVIF/WebP/JPEG sources, the placeholder (an SVG under the image, see Placeholder), the credit line and
/// caption; editors (studio policy) also see unpublished ones, so article previews look like the real thing. A live show
/// with no public photo yet renders a link to the show; a show readers may not see renders nothing.
/// </summary>
internal sealed class GalleryEmbedRenderer(BackstageDbContext db, GalleryVisibility visibility) : IGalleryEmbedRenderer
{
    public const string Sizes = "(min-width: 1100px) 1000px, 100vw";

    public async Task<IReadOnlyDictionary<string, string>> RenderAsync(IReadOnlyCollection<string> showSlugs, CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Where(s => showSlugs.Contains(s.Slug)).ToListAsync(ct);
        var ids = shows.Select(s => s.Id).ToList();
        var visible = await visibility.ViewerIsStaffAsync() ? ids.ToHashSet() : await visibility.LiveShowIdsAsync(ids, ct);
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
                foreach (var p in list)
                {
                    AppendFigure(html, p, first, enc, Photo.PageUrl(s.Slug, p.Position)); // reader: photo pages + lightbox
                    first = false;
                }
                html.Append("</section>");
            }
            result[slug] = html.ToString();
        }
        return result;
    }

    internal static void AppendFigure(StringBuilder html, Photo p, bool eager, HtmlEncoder enc, string? pageUrl = null)
    {
        var renditions = PhotoRenditions.Of(p);
        string SrcSet(string ext) => string.Join(", ", renditions.Widths(ext).Select(r => $"{r.Url} {r.Width.ToString(CultureInfo.InvariantCulture)}w"));
        var jpgs = renditions.Widths("jpg");
        var fallback = jpgs.LastOrDefault(r => r.Width <= 1280) ?? jpgs.LastOrDefault();
        if (fallback is null) return;
        html.Append("<figure class=\"gallery-photo\" id=\"photo-").Append(p.Id.ToString(CultureInfo.InvariantCulture)).Append("\">");
        if (pageUrl is not null) // the photo's own page; lightbox.js opens it in place
        {
            html.Append("<a class=\"photo-link\" href=\"").Append(enc.Encode(pageUrl)).Append('"');
            if (p.Decorative || string.IsNullOrWhiteSpace(p.AltText)) html.Append(" aria-label=\"Open photo ").Append(p.Position.ToString(CultureInfo.InvariantCulture)).Append('"');
            html.Append('>');
        }
        // The placeholder sits beside the picture (a <picture> holds only sources and its img), in a box of the image's size.
        html.Append("<span class=\"ph-box\">").Append(Placeholder.Svg(p.DominantColor, p.PlaceholderDataUri, enc)).Append("<picture>");
        foreach (var (ext, type) in new[] { ("avif", "image/avif"), ("webp", "image/webp") })
        {
            var set = SrcSet(ext);
            if (set.Length > 0)
                html.Append("<source type=\"").Append(type).Append("\" srcset=\"").Append(enc.Encode(set)).Append("\" sizes=\"").Append(Sizes).Append("\">");
        }
        html.Append("<img src=\"").Append(enc.Encode(fallback.Url)).Append("\" srcset=\"").Append(enc.Encode(SrcSet("jpg")))
            .Append("\" sizes=\"").Append(Sizes).Append("\" width=\"").Append(p.Width.ToString(CultureInfo.InvariantCulture))
            .Append("\" height=\"").Append(p.Height.ToString(CultureInfo.InvariantCulture))
            .Append("\" alt=\"").Append(p.Decorative ? "" : enc.Encode(p.AltText ?? "")).Append('"');
        html.Append(eager ? " loading=\"eager\" fetchpriority=\"high\"" : " loading=\"lazy\"").Append(" decoding=\"async\"");
        html.Append("></picture></span>");
        if (pageUrl is not null) html.Append("</a>");
        if (p.CreditLine is not null || !string.IsNullOrWhiteSpace(p.Caption))
        {
            html.Append("<figcaption>");
            if (!string.IsNullOrWhiteSpace(p.Caption)) html.Append("<span class=\"caption\">").Append(enc.Encode(p.Caption.Trim())).Append("</span>");
            if (p.CreditLine is not null) html.Append("<span class=\"credit\">").Append(enc.Encode(p.CreditLine)).Append("</span>");
            html.Append("</figcaption>");
        }
        html.Append("</figure>");
    }
}
