using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace Backstage.Web.Pages.Articles;

[AllowAnonymous]
[OutputCache(PolicyName = PublicPageCachePolicy.Name)]
public sealed class ShowModel(BackstageDbContext db, MarkdownRenderer markdown, TimeProvider clock, SiteUrls urls, IEnumerable<IReaderImages> images) : PageModel
{
    public Article Article { get; private set; } = null!;
    public string Html { get; private set; } = "";
    public PageMeta Meta { get; private set; } = null!;
    public ShareLinks Share { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var article = await db.FindLiveAsync(slug, clock.GetUtcNow(), ct);
        if (article is null) return NotFound();
        Article = article;
        Html = (await markdown.RenderAsync(article.Body, ct)).Html;
        MetaImage? image = null;
        foreach (var source in images) image ??= await source.ArticleShareImageAsync(article, ct);
        Meta = ReaderMeta.ForArticle(article, urls, image);
        Share = new ShareLinks(urls.Absolute($"/articles/{article.Slug}"), article.Title, image is null ? null : urls.Absolute(image.Url));
        return Page();
    }
}
