namespace Backstage.Web;

/// <summary>Site-wide settings, bound from the "Backstage" configuration section.</summary>
public sealed class BackstageOptions
{
    public const string Section = "Backstage";

    /// <summary>Where Backstage keeps its files (embedded database, media). Relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Time zone editors type schedule times in (IANA id).</summary>
    public string SiteTimeZone { get; set; } = "Europe/Paris";

    /// <summary>Seed demo accounts and content on first start. Honoured only in Development.</summary>
    public bool SeedDemoContent { get; set; }

    /// <summary>Apply EF Core migrations when the app starts (turn off when a deploy step runs "migrate").</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(SiteTimeZone);
}
