using Microsoft.Extensions.Options;

namespace Backstage.Web;

/// <summary>Editors type times in the site's time zone; the database keeps UTC.</summary>
public sealed class SiteTime(IOptions<BackstageOptions> options, TimeProvider clock)
{
    private readonly TimeZoneInfo _zone = options.Value.TimeZone;

    public DateTimeOffset Now => clock.GetUtcNow();
    public string ZoneName => _zone.Id;

    public DateTimeOffset ToUtc(DateTime local) =>
        new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone), TimeSpan.Zero);

    public DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, _zone).DateTime;

    public string Format(DateTimeOffset? utc) => utc is { } t ? ToLocal(t).ToString("d MMM yyyy, HH:mm") : "—";
}
