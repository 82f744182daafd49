using System.Security.Cryptography;
using System.Text;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Newsletter;

public enum SubscribeOutcome { Invalid, Throttled, Accepted }

/// <summary>
/// Double opt-in. Asking to subscribe stores a Pending subscriber and mails a link; nothing else is mailed until the page
/// that link opens is POSTed ("Confirm my subscription"). The answer is the same whether the address was new, pending,
/// confirmed or unsubscribed, so the form tells nobody who reads the newsletter. Requests are throttled per IP and per
/// address with the account throttles (<see cref="ThrottleRule.MailPerIp"/>, <see cref="ThrottleRule.MailPerAccount"/>).
/// </summary>
public sealed class Subscriptions(BackstageDbContext db, Throttle throttle, Mailer mailer, TimeProvider clock, SubscriberLinks links)
{
    public Task<List<NewsletterList>> ListsAsync(CancellationToken ct) =>
        db.Set<NewsletterList>().AsNoTracking().OrderBy(l => l.SortOrder).ToListAsync(ct);

    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    public static bool LooksLikeEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 256 && System.Net.Mail.MailAddress.TryCreate(email.Trim(), out var a) && a.Address == email.Trim();

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>(outcome, wait): Throttled carries how long to wait.</summary>
    public async Task<(SubscribeOutcome Outcome, TimeSpan? Wait)> RequestAsync(string email, IReadOnlyCollection<int> listIds, string? ip, string? userId, CancellationToken ct)
    {
        if (!LooksLikeEmail(email)) return (SubscribeOutcome.Invalid, null);
        var address = Normalise(email);
        var known = await db.Set<NewsletterList>().Where(l => listIds.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
        if (known.Count == 0) return (SubscribeOutcome.Invalid, null);
        if (await throttle.RetryAfterAsync(ct, (ThrottleRule.MailPerAccount, address), (ThrottleRule.MailPerIp, ip)) is { } wait)
            return (SubscribeOutcome.Throttled, wait);
        await throttle.RecordAsync(ct, (ThrottleRule.MailPerAccount, address), (ThrottleRule.MailPerIp, ip));

        var now = clock.GetUtcNow();
        var token = NewToken();
        await db.InTransactionAsync(async () =>
        {
            // Two requests for one address at once: the unique email index makes the loser retry and find the row.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO newsletter_subscribers (email, state, bounce_count, token_hash, user_id, created_at, state_changed_at)
                VALUES ({address}, 'Pending', 0, {HashToken(token)}, {userId}, {now}, {now})
                ON CONFLICT (email) DO NOTHING
                """, ct);
            var s = await db.Set<Subscriber>().SingleAsync(x => x.Email == address, ct);
            s.TokenHash = HashToken(token);
            s.UserId ??= userId;
            if (s.State is SubscriberState.Unsubscribed or SubscriberState.Bounced)
            {
                s.State = SubscriberState.Pending;
                s.StateChangedAt = now;
            }
            var have = await db.Set<NewsletterSubscription>().Where(x => x.SubscriberId == s.Id).Select(x => x.ListId).ToListAsync(ct);
            foreach (var id in known.Except(have))
                db.Add(new NewsletterSubscription { SubscriberId = s.Id, ListId = id, CreatedAt = now });
            await db.SaveChangesAsync(ct);
            var link = mailer.Link("/newsletter/confirm?token=" + Uri.EscapeDataString(token));
            var body = s.State == SubscriberState.Confirmed
                ? $"Someone (we hope you) asked to add lists to your Backstage newsletter subscription.\n\nConfirm the new lists, or manage or delete your subscription, here:\n{link}\n\nIf it was not you, ignore this message: nothing changes."
                : $"Someone (we hope you) asked to subscribe this address to the Backstage newsletter.\n\nTo start receiving it, open this page and press \"Confirm my subscription\":\n{link}\n\nIf it was not you, ignore this message: you will not be mailed again.";
            await mailer.SendAsync(address, null, "Confirm your Backstage newsletter subscription", body, ct: ct);
        }, ct);
        return (SubscribeOutcome.Accepted, null);
    }

    /// <summary>The subscriber of a mailed link: the confirm link's token, or a newsletter's signed token (<see cref="SubscriberLinks"/>).</summary>
    public async Task<Subscriber?> FindByTokenAsync(string? token, CancellationToken ct) =>
        string.IsNullOrEmpty(token) ? null : await ByToken(token).AsNoTracking().SingleOrDefaultAsync(ct);

    private IQueryable<Subscriber> ByToken(string token)
    {
        if (links.Read(token) is { } id) return db.Set<Subscriber>().Where(s => s.Id == id);
        var hash = HashToken(token);
        return db.Set<Subscriber>().Where(s => s.TokenHash == hash);
    }

    /// <summary>Confirms the subscriber the token belongs to; false for an unknown token.</summary>
    public async Task<bool> ConfirmAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var hash = HashToken(token);
        var now = clock.GetUtcNow();
        return await db.Set<Subscriber>().Where(s => s.TokenHash == hash)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SubscriberState.Confirmed).SetProperty(s => s.ConfirmedAt, now)
                .SetProperty(s => s.StateChangedAt, now).SetProperty(s => s.BounceCount, 0), ct) == 1;
    }

    /// <summary>Unsubscribes from every list (one click, no sign-in); false for an unknown token.</summary>
    public async Task<bool> UnsubscribeAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var now = clock.GetUtcNow();
        return await ByToken(token)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SubscriberState.Unsubscribed).SetProperty(s => s.StateChangedAt, now), ct) == 1;
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
