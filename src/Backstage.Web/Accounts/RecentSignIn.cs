using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Backstage.Web.Accounts;

/// <summary>
/// "Sudo mode" (GitHub's): sensitive account changes (two-factor off, new recovery codes, a new authenticator) need the
/// password or a current code typed within the last <see cref="Window"/>, so a stolen session alone never removes a
/// factor. The time is a claim in this session's auth cookie (protected by the shared data-protection keys, so every
/// node reads it), written by a password or two-factor sign-in and by the "Confirm it's you" page, and carried over
/// when the security-stamp check rebuilds the principal. A sign-in link does not count: it proves the mailbox only.
/// </summary>
public static class RecentSignIn
{
    public const string ClaimType = "backstage:reauthenticated-at";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private const string ItemKey = "backstage:reauthenticated-now";

    public static DateTimeOffset? At(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(ClaimType)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static bool IsRecent(ClaimsPrincipal user, DateTimeOffset now) => At(user) is { } at && now - at < Window && at <= now + TimeSpan.FromMinutes(1);

    /// <summary>The person just typed their password or a code: the sign-in (or refresh) this request makes records it.</summary>
    public static void Mark(HttpContext context, DateTimeOffset now) => context.Items[ItemKey] = now;

    /// <summary>The claim for the session being written: now if <see cref="Mark"/>ed, else the current session's (same account) if any.</summary>
    public static Claim? ClaimFor(HttpContext context, string userId)
    {
        var at = context.Items[ItemKey] as DateTimeOffset?;
        if (at is null && context.User.FindFirstValue(ClaimTypes.NameIdentifier) == userId) at = At(context.User);
        return at is { } t ? new Claim(ClaimType, t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) : null;
    }
}

/// <summary>
/// On a page model: every handler (GET included, which shows an authenticator key) needs <see cref="RecentSignIn"/>;
/// without it the visitor is sent to "Confirm it's you", which comes back to the page.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequireRecentSignInAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        if (http.User.Identity?.IsAuthenticated != true || RecentSignIn.IsRecent(http.User, clock.GetUtcNow())) return next();
        var back = http.Request.Path + (HttpMethods.IsGet(http.Request.Method) ? http.Request.QueryString : QueryString.Empty);
        context.Result = new Microsoft.AspNetCore.Mvc.RedirectToPageResult("/Account/Confirm", new { ReturnUrl = back.ToString() });
        return Task.CompletedTask;
    }
}
