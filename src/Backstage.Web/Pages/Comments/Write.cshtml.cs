using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Pages.Comments;

/// <summary>
/// Posting a comment (any signed-in account). Without JavaScript: a form post that redirects back to the article,
/// or renders this page again with the typed text and the reason (429 for flood limits). With JavaScript
/// (header X-Requested-With: fetch): the new comment's HTML fragment, or {"error": "…"} with the same status.
/// GET shows the form alone, e.g. for replying (?article=slug&amp;reply=id).
/// </summary>
public sealed class WriteModel(BackstageDbContext db, CommentPosting comments, TimeProvider clock, ILogger<WriteModel> log) : PageModel
{
    /// <summary>Only the fields the form owns: no state, no author.</summary>
    public sealed class WriteInput
    {
        public int ArticleId { get; set; }
        public long? ReplyToId { get; set; }
        public int? PhotoId { get; set; }
        public string? Body { get; set; }
        /// <summary>The honeypot.</summary>
        public string? Website { get; set; }
    }

    [BindProperty] public WriteInput Input { get; set; } = new();
    public Article Article { get; private set; } = null!;
    public CommentView? ReplyTo { get; private set; }
    public CommentForm Form { get; private set; } = new();

    private bool IsFetch => Request.Headers["X-Requested-With"] == "fetch";
    private Actor Me => Actor.From(User);

    public async Task<IActionResult> OnGetAsync(string? article, long? reply, int? photo, CancellationToken ct)
    {
        var found = article is null ? null : await db.FindLiveAsync(article, clock.GetUtcNow(), ct);
        if (found is null) return NotFound();
        Article = found;
        Form = new CommentForm { ArticleId = found.Id, ArticleSlug = found.Slug, FirstCommentHeld = await comments.HoldsFirstCommentAsync(Me, ct: ct) };
        (Form.PhotoId, Form.PhotoLabel) = await comments.PhotoAsync(photo, ct);
        if (reply is not null && !await LoadReplyToAsync(reply.Value, ct)) return NotFound();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().Live(clock.GetUtcNow()).FirstOrDefaultAsync(a => a.Id == Input.ArticleId, ct);
        if (article is null) return NotFound();
        Article = article;
        if (!string.IsNullOrEmpty(Input.Website))
        {
            // Looks like success to the bot; nothing is stored.
            log.LogInformation("Honeypot filled: comment dropped for article {ArticleId}", article.Id);
            return IsFetch ? new NoContentResult() : RedirectToPage("/Articles/Show", null, new { slug = article.Slug }, "comments");
        }

        var result = await comments.PostAsync(new NewComment(article.Id, Input.Body ?? "", Input.ReplyToId, Input.PhotoId),
            Me, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        if (result.Ok)
        {
            var c = result.Comment!;
            var held = c.State != CommentState.Approved;
            if (IsFetch)
            {
                var replyToName = c.ReplyToId is { } rid
                    ? await db.Set<Comment>().Where(x => x.Id == rid).Select(x => x.Author!.DisplayName).FirstOrDefaultAsync(ct) : null;
                var user = await db.Users.AsNoTracking().Where(u => u.Id == c.AuthorId).Select(u => u.DisplayName).FirstAsync(ct);
                Response.StatusCode = StatusCodes.Status201Created;
                return Partial("_Comment", new CommentView(c, user, replyToName, true, true, c.State == CommentState.Approved, false, article.Slug));
            }
            TempData["Flash"] = held ? "Thanks — your comment is awaiting moderation. Only you can see it until a moderator approves it." : "Your comment is posted.";
            return RedirectToPage("/Articles/Show", null, new { slug = article.Slug }, $"comment-{c.Id}");
        }

        var status = result.Outcome switch
        {
            CommentOutcome.TooFast => StatusCodes.Status429TooManyRequests,
            CommentOutcome.Duplicate => StatusCodes.Status409Conflict,
            CommentOutcome.Banned => StatusCodes.Status403Forbidden,
            CommentOutcome.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status400BadRequest,
        };
        if (IsFetch) return new JsonResult(new { error = result.Error }) { StatusCode = status };
        Response.StatusCode = status;
        Form = new CommentForm
        {
            ArticleId = article.Id, ArticleSlug = article.Slug, ReplyToId = Input.ReplyToId,
            Body = Input.Body ?? "", Error = result.Error, FirstCommentHeld = await comments.HoldsFirstCommentAsync(Me, ct: ct),
        };
        (Form.PhotoId, Form.PhotoLabel) = await comments.PhotoAsync(Input.PhotoId, ct);
        if (Input.ReplyToId is { } r) await LoadReplyToAsync(r, ct);
        return Page();
    }

    private async Task<bool> LoadReplyToAsync(long id, CancellationToken ct)
    {
        var me = Me.Id;
        var row = await db.Set<Comment>().AsNoTracking()
            .Where(c => c.Id == id && c.ArticleId == Article.Id && (c.State == CommentState.Approved || (c.AuthorId == me && c.State != CommentState.Trash)))
            .Select(c => new { Comment = c, Name = c.Author!.DisplayName }).FirstOrDefaultAsync(ct);
        if (row is null) return false;
        ReplyTo = new CommentView(row.Comment, row.Name, null, row.Comment.AuthorId == me, false, false, false, Article.Slug);
        Form.ReplyToId = id;
        Form.ReplyToName = row.Name;
        return true;
    }
}
