using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Newsletter;

/// <summary>"Subscribe to the newsletter" on the home, article and show pages (the lists come from the database).</summary>
public sealed class SubscribeFormViewComponent(Subscriptions subscriptions) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync() =>
        View("~/Pages/Shared/_SubscribeForm.cshtml", await subscriptions.ListsAsync(HttpContext.RequestAborted));
}
