using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>
/// The visible "Unsubscribe" link of every issue: one button, no sign-in. Opening the link changes nothing (a link
/// scanner follows it); the button does. Mail clients use the one-click POST of List-Unsubscribe instead.
/// </summary>
[AllowAnonymous]
public sealed class LeaveModel(Subscriptions subscriptions) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public string? Email { get; private set; }
    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Email = (await subscriptions.FindByTokenAsync(Token, ct))?.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Email = (await subscriptions.FindByTokenAsync(Token, ct))?.Email;
        Done = Email is not null && await subscriptions.UnsubscribeAsync(Token, ct);
        return Page();
    }
}
