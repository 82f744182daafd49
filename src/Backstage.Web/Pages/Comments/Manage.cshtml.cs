using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Comments;

/// <summary>
/// A reader's actions on one comment: /comments/{id}/edit (their own, within the edit window),
/// /comments/{id}/delete (their own, any time) and /comments/{id}/report (someone else's approved comment, once).
/// Another reader's comment, or a held one, answers 404 — guessing ids reveals nothing.
/// </summary>
public sealed class ManageModel(BackstageDbContext db, CommentPosting comments, TimeProvider clock) : PageModel
{
    public Comment Comment { get; private set; } = null!;
    public string ArticleTitle { get; private set; } = "";
    public string ArticleSlug { get; private set; } = "";
    [BindProperty] public string? Body { get; set; }
    public string? Error { get; private set; }
    public bool WindowClosed { get; private set; }
    public int EditWindowMinutes { get; private set; }

    private Actor Me => Actor.From(User);

    public IActionResult OnGet(long id) => RedirectToPage(null, "Edit", new { id });

    public async Task<IActionResult> OnGetEditAsync(long id, CancellationToken ct)
    {
        if (!await LoadOwnAsync(id, ct)) return NotFound();
        Body = Comment.Body;
        return Page();
    }

    public async Task<IActionResult> OnPostEditAsync(long id, CancellationToken ct)
    {
        if (!await LoadOwnAsync(id, ct)) return NotFound();
        var result = await comments.EditAsync(id, Me, Body ?? "", ct);
        switch (result.Outcome)
        {
            case CommentOutcome.Done:
                TempData["Flash"] = "Your comment is updated.";
                return RedirectToPage("/Articles/Show", null, new { slug = ArticleSlug }, $"comment-{id}");
            case CommentOutcome.NotFound:
                return NotFound();
            default:
                Error = result.Error;
                WindowClosed = result.Outcome == CommentOutcome.WindowClosed;
                Response.StatusCode = WindowClosed ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
                return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (!await LoadOwnAsync(id, ct)) return NotFound();
        if (!(await comments.DeleteOwnAsync(id, Me, ct)).Ok) return NotFound();
        TempData["Flash"] = "Your comment is deleted.";
        return RedirectToPage("/Articles/Show", null, new { slug = ArticleSlug }, "comments");
    }

    public async Task<IActionResult> OnPostReportAsync(long id, string? reason, CancellationToken ct)
    {
        var slug = await db.Set<Comment>().Where(c => c.Id == id && c.State == CommentState.Approved).Select(c => c.Article!.Slug).FirstOrDefaultAsync(ct);
        if (slug is null) return NotFound();
        var result = await comments.ReportAsync(id, Me, reason, ct);
        switch (result.Outcome)
        {
            case CommentOutcome.Done:
                TempData["Flash"] = "Thanks — a moderator will look at this comment.";
                break;
            case CommentOutcome.AlreadyDone:
                TempData["Flash"] = result.Error;
                break;
            default:
                return NotFound();
        }
        return RedirectToPage("/Articles/Show", null, new { slug }, $"comment-{id}");
    }

    private async Task<bool> LoadOwnAsync(long id, CancellationToken ct)
    {
        var me = Me.Id;
        var row = await db.Set<Comment>().AsNoTracking()
            .Where(c => c.Id == id && c.AuthorId == me && c.State != CommentState.Trash)
            .Select(c => new { Comment = c, c.Article!.Title, c.Article.Slug }).FirstOrDefaultAsync(ct);
        if (row is null) return false;
        (Comment, ArticleTitle, ArticleSlug) = (row.Comment, row.Title, row.Slug);
        EditWindowMinutes = (await db.CommentRulesAsync(ct)).EditWindowMinutes;
        WindowClosed = clock.GetUtcNow() > Comment.CreatedAt.AddMinutes(EditWindowMinutes);
        return true;
    }
}
