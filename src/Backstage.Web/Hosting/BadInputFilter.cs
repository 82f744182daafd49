using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Backstage.Web.Hosting;

/// <summary>
/// A GET whose query or route values cannot be bound or are out of range (a page number that would overflow the
/// OFFSET, an id past Int64, text where a number belongs) answers 400 with the styled error page and a warning in the
/// log, before the handler runs. Page handlers declare their ranges with [Range] on the parameter. Forms (POST) keep
/// their own validation messages.
/// </summary>
public sealed class BadInputFilter(ILogger<BadInputFilter> log) : IPageFilter
{
    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var request = context.HttpContext.Request;
        if (context.ModelState.IsValid || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))) return;
        var fields = context.ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => e.Key);
        log.LogWarning("Refused {Path}: bad input in {Fields}", request.Path.Value, string.Join(", ", fields));
        context.Result = new BadRequestResult();
    }

    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }
    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
