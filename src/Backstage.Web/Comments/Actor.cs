using System.Security.Claims;
using Backstage.Web.Accounts;

namespace Backstage.Web.Comments;

/// <summary>Who performs an action: a signed-in person (<see cref="From"/>), or a rule (<see cref="Rule"/>, no Id).</summary>
public sealed record Actor(string? Id, string Name, bool IsStaff = false)
{
    public static Actor Rule(string name) => new(null, "rule: " + name);

    /// <summary>The signed-in user of a request. Staff is decided by <see cref="Roles.IsStaff"/>, the studio policy's rule.</summary>
    public static Actor From(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "unknown", Roles.IsStaff(user));
}

public enum CommentOutcome { Done, Invalid, NotFound, Banned, TooFast, Duplicate, WindowClosed, AlreadyDone }

/// <summary>What every comment action answers: the outcome, a message for the person when it failed, the comment
/// concerned (posting, editing) and how many comments changed (moderation, purge).</summary>
public sealed record CommentResult(CommentOutcome Outcome, string? Error = null, Comment? Comment = null, int Changed = 0)
{
    public bool Ok => Outcome == CommentOutcome.Done;
    public static CommentResult Done(Comment? comment = null, int changed = 0) => new(CommentOutcome.Done, null, comment, changed);
    public static CommentResult Fail(CommentOutcome outcome, string error) => new(outcome, error);
}
