using Backstage.Web.Data;
using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>"Manage or delete your subscription" from an issue: the address, its state and lists, and the way out.</summary>
[AllowAnonymous]
public sealed class ManageModel(Subscriptions subscriptions, BackstageDbContext db) : PageModel
{
    public string? Token { get; private set; }
    public Subscriber? Subscriber { get; private set; }
    public List<string> Lists { get; private set; } = [];

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        Token = token;
        Subscriber = await subscriptions.FindByTokenAsync(token, ct);
        if (Subscriber is null) return;
        Lists = await db.Set<NewsletterSubscription>().Where(s => s.SubscriberId == Subscriber.Id)
            .Join(db.Set<NewsletterList>(), s => s.ListId, l => l.Id, (s, l) => l).OrderBy(l => l.SortOrder).Select(l => l.Name).ToListAsync(ct);
    }
}
