namespace Backstage.Web.Comments;

public enum CommentOutcome { Done, Invalid, NotFound, Banned, TooFast, Duplicate, WindowClosed, AlreadyDone }

/// <summary>What every comment action answers: the outcome, a message for the person when it failed, the comment
/// concerned (posting, editing) and how many comments changed (moderation, purge).</summary>
public sealed record CommentResult(CommentOutcome Outcome, string? Error = null, Comment? Comment = null, int Changed = 0)
{
    public bool Ok => Outcome == CommentOutcome.Done;
    public static CommentResult Done(Comment? comment = null, int changed = 0) => new(CommentOutcome.Done, null, comment, changed);
    public static CommentResult Fail(CommentOutcome outcome, string error) => new(outcome, error);
}
