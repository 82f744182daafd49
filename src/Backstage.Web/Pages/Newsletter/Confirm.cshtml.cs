using Backstage.Web.Newsletter;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Newsletter;

/// <summary>The mailed link opens this page; only its button (a POST) confirms, so a link scanner subscribes nobody.</summary>
[AllowAnonymous]
public sealed class ConfirmModel(Subscriptions subscriptions) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public bool Confirmed { get; private set; }
    public bool Invalid { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Invalid = await subscriptions.FindByTokenAsync(Token, ct) is null;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Confirmed = await subscriptions.ConfirmAsync(Token, ct);
        Invalid = !Confirmed;
        return Page();
    }
}
