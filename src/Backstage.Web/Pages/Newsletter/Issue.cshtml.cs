using Backstage.Web.Data;
using Backstage.Web.Hosting;
using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>
/// "View in your browser": a sent issue's public web version, the email's own HTML without any subscriber's links. Its
/// content follows the public rules now, so a photo taken down after the send is gone from here too. Drafts and issues
/// still sending are 404.
/// </summary>
[AllowAnonymous]
public sealed class IssueModel(BackstageDbContext db, IssueMessages messages) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Slug == slug && i.State == NewsletterIssueState.Sent, ct);
        if (issue is null) return NotFound();
        var rendered = await messages.ForWebAsync(issue, ct);
        HttpContext.Items[SecurityHeadersMiddleware.EmailHtmlKey] = true;
        return Content(rendered.Html, "text/html; charset=utf-8");
    }
}
