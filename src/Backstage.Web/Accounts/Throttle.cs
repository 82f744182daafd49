using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Accounts;

/// <summary>One counted event (a failed sign-in, a registration, a mail request) for one throttle key.</summary>
public sealed class ThrottleEvent
{
    public long Id { get; set; }
    public string Key { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

internal sealed class ThrottleEventConfiguration : IEntityTypeConfiguration<ThrottleEvent>
{
    public void Configure(EntityTypeBuilder<ThrottleEvent> b)
    {
        b.ToTable("throttle_events");
        b.Property(e => e.Key).HasMaxLength(80);
        b.HasIndex(e => new { e.Key, e.At });
        b.HasIndex(e => e.At);
    }
}

/// <summary>At most <paramref name="Limit"/> events per <paramref name="Window"/> for one value (an address, an email).</summary>
public sealed record ThrottleRule(string Scope, int Limit, TimeSpan Window)
{
    public static readonly ThrottleRule SignInPerIp = new("signin-ip", 20, TimeSpan.FromMinutes(15));
    /// <summary>Counted for any email typed, account or not, so the answer never says whether an account exists.</summary>
    public static readonly ThrottleRule SignInPerAccount = new("signin-account", 5, TimeSpan.FromMinutes(15));
    /// <summary>Failures from a browser with a device cookie for the typed account (<see cref="DeviceCookies"/>): its own allowance.</summary>
    public static readonly ThrottleRule SignInPerDevice = new("signin-device", 10, TimeSpan.FromMinutes(15));
    public static readonly ThrottleRule RegisterPerIp = new("register-ip", 5, TimeSpan.FromHours(1));
    /// <summary>Password-reset, sign-in-link and confirmation requests: no mail-bombing an address, none from one client.</summary>
    public static readonly ThrottleRule MailPerAccount = new("mail-account", 3, TimeSpan.FromMinutes(15));
    public static readonly ThrottleRule MailPerIp = new("mail-ip", 10, TimeSpan.FromHours(1));
    /// <summary>"Someone tried to register with your address" notices: one per address per hour, whoever asks.</summary>
    public static readonly ThrottleRule AlreadyRegisteredPerAccount = new("registered-account", 1, TimeSpan.FromHours(1));
}

/// <summary>
/// Sliding-window throttles kept in PostgreSQL, so every app node counts the same events. Values are stored as a keyed
/// hash (HMAC with this installation's secret), never as addresses or emails. Old rows are pruned as new ones arrive.
/// </summary>
public sealed class Throttle(BackstageDbContext db, SiteSecrets secrets, TimeProvider clock)
{
    /// <summary>How long to wait before any of the given (rule, value) pairs allows another event; null when all allow one now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(CancellationToken ct, params (ThrottleRule Rule, string? Value)[] checks)
    {
        var now = clock.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (rule, value) in checks)
        {
            if (string.IsNullOrEmpty(value)) continue;
            var key = await KeyAsync(rule, value, ct);
            var since = now - rule.Window;
            // The limit-th newest event must leave the window before the count drops below the limit.
            var blocking = await db.Set<ThrottleEvent>().AsNoTracking().Where(e => e.Key == key && e.At > since)
                .OrderByDescending(e => e.At).Skip(rule.Limit - 1).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
            if (blocking is { } at)
            {
                var w = at + rule.Window - now;
                if (wait is null || w > wait) wait = w;
            }
        }
        return wait;
    }

    public async Task RecordAsync(CancellationToken ct, params (ThrottleRule Rule, string? Value)[] events)
    {
        var now = clock.GetUtcNow();
        foreach (var (rule, value) in events)
            if (!string.IsNullOrEmpty(value))
                db.Add(new ThrottleEvent { Key = await KeyAsync(rule, value, ct), At = now });
        await db.SaveChangesAsync(ct);
        var old = now.AddDays(-1);
        await db.Set<ThrottleEvent>().Where(e => e.At < old).ExecuteDeleteAsync(ct);
    }

    /// <summary>Forgets a value's events (the owner proved who they are, e.g. by a sign-in link).</summary>
    public async Task ClearAsync(ThrottleRule rule, string value, CancellationToken ct = default)
    {
        var key = await KeyAsync(rule, value, ct);
        await db.Set<ThrottleEvent>().Where(e => e.Key == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>A value's stored events (keys as stored: hashed), for a reader's "Download my data".</summary>
    public async Task<List<ThrottleEvent>> EventsAsync(ThrottleRule rule, string value, CancellationToken ct = default)
    {
        var key = await KeyAsync(rule, value, ct);
        return await db.Set<ThrottleEvent>().AsNoTracking().Where(e => e.Key == key).OrderBy(e => e.At).ToListAsync(ct);
    }

    /// <summary>"Retry-After" in whole seconds (at least 1) and as words for the page.</summary>
    public static (string Header, string Words) Describe(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        return (seconds.ToString(CultureInfo.InvariantCulture), seconds < 60 ? $"{seconds} second{(seconds == 1 ? "" : "s")}" : $"{minutes} minute{(minutes == 1 ? "" : "s")}");
    }

    private async Task<string> KeyAsync(ThrottleRule rule, string value, CancellationToken ct)
    {
        var mac = HMACSHA256.HashData(await secrets.GetAsync("throttle-key", ct), Encoding.UTF8.GetBytes(value.Trim().ToLowerInvariant()));
        return rule.Scope + ":" + Convert.ToHexString(mac)[..40];
    }
}
