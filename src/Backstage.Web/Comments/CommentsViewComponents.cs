using System.Security.Claims;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;

namespace Backstage.Web.Comments;

/// <summary>
/// The comments section under an article: <c>@await Component.InvokeAsync("Comments", new { article })</c>.
/// Reads <c>?photo=id</c> (a comment about one photo of a gallery) and <c>?reply=id</c> from the URL.
/// </summary>
public sealed class CommentsViewComponent(BackstageDbContext db, CommentQueries queries, CommentPosting comments) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Article article)
    {
        var userId = UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier);
        var threads = await queries.ThreadsAsync(article.Id, article.Slug, userId, HttpContext.RequestAborted);
        var form = new CommentForm { ArticleId = article.Id, ArticleSlug = article.Slug };
        if (userId is not null)
            form.FirstCommentHeld = await comments.HoldsFirstCommentAsync(Actor.From(UserClaimsPrincipal), ct: HttpContext.RequestAborted);
        if (int.TryParse(Request.Query["photo"], out var photo))
            (form.PhotoId, form.PhotoLabel) = await comments.PhotoAsync(photo, HttpContext.RequestAborted);
        var banned = userId is not null && await db.IsBannedAsync(userId, HttpContext.RequestAborted);
        // Counts what everyone sees: the viewer's own held comments are shown to them but not counted.
        var count = threads.Sum(t => (t.Removed || t.AwaitingModeration ? 0 : 1) + t.Replies.Count(r => !r.AwaitingModeration));
        return View("/Pages/Shared/_Comments.cshtml", new ArticleComments(article.Id, article.Slug, threads, count, userId is not null, banned, form));
    }
}

/// <summary>The number of comments waiting for a moderator (pending or reported), for the admin navigation.</summary>
public sealed class PendingCommentsViewComponent(CommentQueries queries, ILogger<PendingCommentsViewComponent> log) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        int n;
        try
        {
            n = await queries.PendingCountAsync(HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The layout (error pages included) must render even while the database is away.
            log.LogWarning(e, "Could not count pending comments");
            return new HtmlContentViewComponentResult(HtmlString.Empty);
        }
        if (n == 0) return new HtmlContentViewComponentResult(HtmlString.Empty);
        var b = new HtmlContentBuilder();
        b.AppendHtml("<span class=\"badge\" data-pending-count><span class=\"sr-only\">(</span>");
        b.Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        b.AppendHtml("<span class=\"sr-only\"> waiting)</span></span>");
        return new HtmlContentViewComponentResult(b);
    }
}
