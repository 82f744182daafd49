using Backstage.Web.Newsletter;
using Backstage.Web.Pages.Account;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>
/// The subscribe form. Reader pages are output-cached and so carry no antiforgery token: their "Subscribe to the
/// newsletter" form is a GET to this uncached page, which shows the same form, filled in, with a token, and subscribes on POST.
/// </summary>
[AllowAnonymous]
public sealed class SubscribeModel(Subscriptions subscriptions) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? Email { get; set; }
    [BindProperty(SupportsGet = true)] public List<int> Lists { get; set; } = [];
    public List<NewsletterList> AllLists { get; private set; } = [];
    public bool Done { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        AllLists = await subscriptions.ListsAsync(ct);
        if (Lists.Count == 0) Lists = AllLists.Select(l => l.Id).ToList();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        AllLists = await subscriptions.ListsAsync(ct);
        if (!Subscriptions.LooksLikeEmail(Email)) ModelState.AddModelError(nameof(Email), "Email: please enter an address like name@example.com.");
        if (!Lists.Any(id => AllLists.Any(l => l.Id == id))) ModelState.AddModelError(nameof(Lists), "Lists: choose at least one list to join.");
        if (!ModelState.IsValid) return Page();
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        var (outcome, wait) = await subscriptions.RequestAsync(Email!, Lists, ClientIp, userId, ct);
        if (outcome == SubscribeOutcome.Throttled)
            return TooManyRequests(wait!.Value, "We have sent several messages already. Please look for them, or ask again in {wait}.");
        Done = true;
        return Page();
    }
}
