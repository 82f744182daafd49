using Backstage.Web.Accounts;

namespace Backstage.Web.Articles;

public enum ArticleStatus { Draft = 0, Scheduled = 1, Published = 2 }

public sealed class Article
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string? Standfirst { get; set; }
    /// <summary>Markdown; may embed galleries with "::: gallery show-slug".</summary>
    public string Body { get; set; } = "";
    public ArticleStatus Status { get; set; }
    /// <summary>When readers may see it (Scheduled or Published); null for drafts.</summary>
    public DateTimeOffset? PublishAt { get; set; }
    public string? AuthorId { get; set; }
    public AppUser? Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>PostgreSQL xmin: two editors cannot silently overwrite each other.</summary>
    public uint Version { get; set; }

    public bool IsLive(DateTimeOffset now) => Status != ArticleStatus.Draft && PublishAt <= now;

    /// <summary>What the studio shows: a scheduled article whose time has passed is published.</summary>
    public ArticleStatus EffectiveStatus(DateTimeOffset now) =>
        Status == ArticleStatus.Scheduled && PublishAt <= now ? ArticleStatus.Published : Status;
}
