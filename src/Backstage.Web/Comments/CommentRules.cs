using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>What the content rules make of a text: block list → spam; moderation list or too many links → pending;
    /// otherwise null (approved, unless the first-comment hold applies).</summary>
    public (CommentState State, string Rule, string Reason)? Judge(string body)
    {
        if (WordList.FirstMatch(body, BlockWords) is { } blocked)
            return (CommentState.Spam, "block list", $"contains \"{blocked}\" from the block list");
        if (WordList.FirstMatch(body, ModerationWords) is { } held)
            return (CommentState.Pending, "moderation list", $"contains \"{held}\" from the moderation list");
        var links = CommentText.CountLinks(body);
        if (links > MaxLinks)
            return (CommentState.Pending, "link limit", $"{links} links (more than {MaxLinks})");
        return null;
    }

    public string Describe() =>
        $"first-comment hold {(HoldFirstComment ? "on" : "off")}, max links {MaxLinks}, {Lines(ModerationWords).Count()} moderation / {Lines(BlockWords).Count()} block words, " +
        $"flood {MinSecondsBetweenComments}s / {MaxCommentsPerHour} per hour / {MaxCommentsPerHourPerIp} per IP, edit {EditWindowMinutes} min, trash {TrashRetentionDays} days";
}

public static class CommentRulesQueries
{
    public static Task<bool> IsBannedAsync(this BackstageDbContext db, string userId, CancellationToken ct = default) =>
        db.Set<ReaderBan>().AnyAsync(b => b.UserId == userId, ct);

    /// <summary>The rules in force (the defaults until an admin saves them).</summary>
    public static async Task<CommentRules> CommentRulesAsync(this BackstageDbContext db, CancellationToken ct = default) =>
        await db.Set<CommentRules>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == 1, ct) ?? new CommentRules();
}
