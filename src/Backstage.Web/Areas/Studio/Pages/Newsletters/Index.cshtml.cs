using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Areas.Studio.Pages.Newsletters;

/// <summary>Every newsletter issue with its state (draft, scheduled, sending 4,310 / 10,000, sent) and its counts.</summary>
public sealed class IndexModel(NewsletterDesk desk) : PageModel
{
    public IReadOnlyList<IssueSummary> Issues { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Issues = await desk.SummariesAsync(ct);
}
