using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Articles;

[AllowAnonymous]
public sealed class ShowModel(BackstageDbContext db, MarkdownRenderer markdown, TimeProvider clock) : PageModel
{
    public Article Article { get; private set; } = null!;
    public string Html { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var article = await db.FindLiveAsync(slug, clock.GetUtcNow(), ct);
        if (article is null) return NotFound();
        Article = article;
        Html = (await markdown.RenderAsync(article.Body, ct)).Html;
        return Page();
    }
}
