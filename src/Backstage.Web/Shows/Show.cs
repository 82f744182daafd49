namespace Backstage.Web.Shows;

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
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>PostgreSQL xmin: optimistic concurrency.</summary>
    public uint Version { get; set; }

    public string Title => $"At {Designer}";
}
