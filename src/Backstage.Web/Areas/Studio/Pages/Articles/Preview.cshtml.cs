using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Articles;

/// <summary>The article as readers will see it, whatever its status.</summary>
public sealed class PreviewModel(BackstageDbContext db, MarkdownRenderer markdown) : PageModel
{
    public Article Article { get; private set; } = null!;
    public string Html { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().Include(a => a.Author).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null) return NotFound();
        Article = article;
        Html = (await markdown.RenderAsync(article.Body, ct)).Html;
        return Page();
    }
}
