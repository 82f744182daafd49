using Backstage.Web.Newsletter;
using Backstage.Web.Privacy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>
/// "Manage or delete your subscription", linked from every issue (<see cref="SubscriberLinks.ManageUrl"/>): no account,
/// the token in the mailed link is the authority. Opening the page changes nothing (a link scanner follows it); each
/// button is a POST with antiforgery that carries the token back: change the lists, download the data, delete it all.
/// </summary>
[AllowAnonymous]
public sealed class ManageModel(Subscriptions subscriptions, ListChoices listChoices, ReaderData readerData, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public List<int> Lists { get; set; } = [];
    public Subscriber? Subscriber { get; private set; }
    public List<NewsletterList> AllLists { get; private set; } = [];
    public bool Deleted { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct)) Lists = [.. await listChoices.ChosenAsync(Subscriber, ct)];
    }

    public async Task<IActionResult> OnPostListsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        if (await listChoices.SaveForSubscriberAsync(Subscriber!.Id, Lists, ct) == ListsOutcome.Invalid)
        {
            ModelState.AddModelError(nameof(Lists), "Lists: choose from the lists shown.");
            return Page();
        }
        TempData["Flash"] = Lists.Count == 0 ? "You are unsubscribed from every list." : "Your lists are saved.";
        return RedirectToPage(new { Token });
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        var zip = await readerData.ExportSubscriberAsync(Subscriber!.Id, ct);
        if (zip is null) return NotFoundPage();
        Response.Headers.CacheControl = "no-store";
        return File(zip, "application/zip", $"backstage-newsletter-data-{clock.GetUtcNow():yyyy-MM-dd}.zip");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        await readerData.DeleteSubscriberAsync(Subscriber!.Id, ct);
        Subscriber = null;
        Deleted = true;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        AllLists = await subscriptions.ListsAsync(ct);
        Subscriber = await subscriptions.FindByTokenAsync(Token, ct);
        return Subscriber is not null;
    }

    private PageResult NotFoundPage() => new() { StatusCode = StatusCodes.Status404NotFound };
}
