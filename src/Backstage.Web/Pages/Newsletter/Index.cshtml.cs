using Backstage.Web.Data;
using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>The public archive: every sent issue, newest first, each with its web version.</summary>
[AllowAnonymous]
public sealed class IndexModel(BackstageDbContext db) : PageModel
{
    public List<NewsletterIssue> Issues { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Issues = await db.Set<NewsletterIssue>().AsNoTracking().Where(i => i.State == NewsletterIssueState.Sent)
            .OrderByDescending(i => i.SentAt).ToListAsync(ct);
}
