using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Account;

/// <summary>What the account pages share: the client's address for throttles and the 429 answer that keeps the form.</summary>
public abstract class AccountPage : PageModel
{
    protected string? ClientIp => HttpContext.Connection.RemoteIpAddress?.ToString();

    /// <summary>The same page again (with what was typed), 429 and Retry-After, and a message saying how long to wait.</summary>
    protected PageResult TooManyRequests(TimeSpan wait, string message)
    {
        var (header, words) = Throttle.Describe(wait);
        Response.Headers.RetryAfter = header;
        ModelState.AddModelError("", message.Replace("{wait}", words));
        return new PageResult { StatusCode = StatusCodes.Status429TooManyRequests };
    }

    protected string SafeReturnUrl(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
