namespace Backstage.Web.Shows;

public enum ShowStatus { Draft = 0, Scheduled = 1, Published = 2 }

/// <summary>One designer's runway show in a season: "Dior, Fall/Winter 2025, Paris".</summary>
public sealed class Show
{
    public int Id { get; set; }
    public string Designer { get; set; } = "";
    public string Season { get; set; } = "";
    public string City { get; set; } = "";
    public DateOnly Date { get; set; }
    public string Slug { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>Draft shows are 404 to readers everywhere; Scheduled and Published go live at <see cref="PublishAt"/>.</summary>
    public ShowStatus Status { get; set; }
    /// <summary>When readers may see it (Scheduled or Published); null for drafts.</summary>
    public DateTimeOffset? PublishAt { get; set; }
    /// <summary>"Not before": until then nothing of the show reaches a reader, whatever its status.</summary>
    public DateTimeOffset? EmbargoUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>PostgreSQL xmin: optimistic concurrency.</summary>
    public uint Version { get; set; }

    /// <summary>When the desk last pressed "Start live coverage": while coverage is on, the public page updates itself (Shows.LiveFeed).</summary>
    public DateTimeOffset? LiveCoverageStartedAt { get; set; }
    /// <summary>When the desk pressed "End live coverage"; null while coverage is on (or was never started).</summary>
    public DateTimeOffset? LiveCoverageEndedAt { get; set; }

    /// <summary>Live coverage is on: started and not ended since.</summary>
    public bool InLiveCoverage => LiveCoverageStartedAt is not null && LiveCoverageEndedAt is null;

    public string Title => $"At {Designer}";

    /// <summary>When readers first see the show: the later of its publish time and its embargo; null while a draft.</summary>
    public DateTimeOffset? LiveAt => Status == ShowStatus.Draft || PublishAt is null ? null
        : EmbargoUntil is { } e && e > PublishAt ? e : PublishAt;

    public bool IsLive(DateTimeOffset now) => LiveAt <= now;
}
