namespace Backstage.Web.Comments;

/// <summary>The automatic moderation rules, edited by admins at /admin/rules. One row (Id 1); defaults when absent.</summary>
public sealed class CommentRules
{
    public int Id { get; set; } = 1;
    /// <summary>Hold a reader's comments until one of theirs has been approved.</summary>
    public bool HoldFirstComment { get; set; } = true;
    /// <summary>Hold comments with more links than this (http://, https:// and www. counted on the raw text).</summary>
    public int MaxLinks { get; set; } = 2;
    /// <summary>One word or phrase per line: a match holds the comment for moderation.</summary>
    public string ModerationWords { get; set; } = "";
    /// <summary>One word or phrase per line: a match sends the comment straight to spam.</summary>
    public string BlockWords { get; set; } = "";
    /// <summary>At most one comment per this many seconds per account (0 = off).</summary>
    public int MinSecondsBetweenComments { get; set; } = 15;
    /// <summary>At most this many comments per hour per account (0 = off).</summary>
    public int MaxCommentsPerHour { get; set; } = 10;
    /// <summary>At most this many comments per hour from one IP address, all accounts together (0 = off).</summary>
    public int MaxCommentsPerHourPerIp { get; set; } = 30;
    /// <summary>How long after posting a reader may edit their comment.</summary>
    public int EditWindowMinutes { get; set; } = 15;
    /// <summary>Trashed comments are purged (with an audit entry) after this many days.</summary>
    public int TrashRetentionDays { get; set; } = 30;
    public DateTimeOffset UpdatedAt { get; set; }

    public static IEnumerable<string> Lines(string list) =>
        list.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
