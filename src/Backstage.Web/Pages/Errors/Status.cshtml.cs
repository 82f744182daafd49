using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Errors;

/// <summary>Every error status renders here (status-code pages re-execute, whatever the method).</summary>
[AllowAnonymous, IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet(int code) => Set(code);
    public void OnPost(int code) => Set(code);

    private void Set(int code)
    {
        Code = code is >= 400 and <= 599 ? code : 404;
        // Direct visits to /errors/404 answer with that status too.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null &&
            HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>() is null)
            Response.StatusCode = Code;
    }

    public (string Title, string Text) Message => Code switch
    {
        404 => ("Not found", "There is nothing here. It may have moved, or it has not been published yet."),
        403 => ("Not allowed", "Your account cannot open this page."),
        400 => ("Bad request", "The request could not be understood. If you were sending a form, reload the page and try again."),
        413 => ("Too large", "What you sent is larger than this site accepts."),
        429 => ("Slow down", "Too many requests in a short time. Wait a moment and try again."),
        >= 500 => ("Something went wrong", "An error on our side stopped this page. It has been logged; please try again."),
        _ => ("Error", "The request could not be completed."),
    };
}
