using Backstage.Web.Hosting;
using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Areas.Studio.Pages.Newsletters;

/// <summary>"Preview": the email's own HTML in the browser, exactly as a subscriber's message has it now (the content rules applied).</summary>
public sealed class PreviewModel(NewsletterDesk desk) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await desk.PreviewAsync(id, ct) is not { } t) return NotFound();
        HttpContext.Items[SecurityHeadersMiddleware.EmailHtmlKey] = true;
        Response.Headers.CacheControl = "no-store";
        return Content(t.Rendered.Html.Replace(IssueMessages.TokenPlaceholder, "preview", StringComparison.Ordinal), "text/html; charset=utf-8");
    }
}
