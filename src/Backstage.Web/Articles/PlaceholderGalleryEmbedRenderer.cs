using System.Text.Encodings.Web;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Articles;

/// <summary>Until a show has photos, its embed names the show and links to it.</summary>
internal sealed class PlaceholderGalleryEmbedRenderer(BackstageDbContext db) : IGalleryEmbedRenderer
{
    public async Task<IReadOnlyDictionary<string, string>> RenderAsync(IReadOnlyCollection<string> showSlugs, CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking().Where(s => showSlugs.Contains(s.Slug)).ToListAsync(ct);
        var enc = HtmlEncoder.Default;
        return shows.ToDictionary(s => s.Slug, s =>
            $"<aside class=\"gallery gallery-placeholder\"><p>Gallery: <a href=\"/shows/{enc.Encode(s.Slug)}\">{enc.Encode(s.Title)}</a> " +
            $"— {enc.Encode(s.Season)}, {enc.Encode(s.City)}</p></aside>");
    }
}
