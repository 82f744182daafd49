using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Shows;

[AllowAnonymous]
public sealed class ShowModel(BackstageDbContext db, IGalleryEmbedRenderer galleries, Galleries.GalleryVisibility visibility) : PageModel
{
    public Show Show { get; private set; } = null!;
    public string GalleryHtml { get; private set; } = "";
    /// <summary>Absolute URL of the gallery's cover crop for social cards, when the gallery is public.</summary>
    public string? OpenGraphImage { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (show is null) return NotFound();
        Show = show;
        GalleryHtml = (await galleries.RenderAsync([slug], ct)).GetValueOrDefault(slug, "");
        if (await visibility.OpenGraphImageAsync(show.Id, ct) is { } og) OpenGraphImage = $"{Request.Scheme}://{Request.Host}{og}";
        return Page();
    }
}
