using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Newsletter;

public enum ListsOutcome { Saved, ConfirmationSent, Throttled, Invalid }

/// <summary>
/// Choosing lists where the address is already proven: "Newsletters" on "Your account" (the account's email) and the
/// "Manage or delete your subscription" page (a mailed link). The chosen lists replace the old ones; choosing none
/// unsubscribes. A signed-in reader whose email is not confirmed yet gets the double opt-in mail instead.
/// </summary>
public sealed class ListChoices(BackstageDbContext db, Subscriptions subscriptions, TimeProvider clock)
{
    /// <summary>The lists a subscriber is mailed (or will be once confirmed): none when unsubscribed or bounced.</summary>
    public async Task<HashSet<int>> ChosenAsync(Subscriber? s, CancellationToken ct) =>
        s is null || s.State is SubscriberState.Unsubscribed or SubscriberState.Bounced ? []
            : (await db.Set<NewsletterSubscription>().Where(x => x.SubscriberId == s.Id).Select(x => x.ListId).ToListAsync(ct)).ToHashSet();

    public Task<Subscriber?> ForAccountAsync(string userId, string email, CancellationToken ct)
    {
        var address = Subscriptions.Normalise(email);
        return db.Set<Subscriber>().AsNoTracking().Where(s => s.Email == address || s.UserId == userId)
            .OrderByDescending(s => s.Email == address).FirstOrDefaultAsync(ct);
    }

    public async Task<(ListsOutcome Outcome, TimeSpan? Wait)> SaveForAccountAsync(string userId, string email, bool emailConfirmed, IReadOnlyCollection<int> listIds, string? ip, CancellationToken ct)
    {
        var address = Subscriptions.Normalise(email);
        var known = await KnownAsync(listIds, ct);
        if (known.Count != listIds.Distinct().Count()) return (ListsOutcome.Invalid, null);
        var existing = await ForAccountAsync(userId, email, ct);
        var proven = emailConfirmed || existing?.State == SubscriberState.Confirmed;
        if (!proven && known.Count > 0)
        {
            // Not proven yet: the same double opt-in as the public form (throttled; it mails the confirm link).
            var (outcome, wait) = await subscriptions.RequestAsync(address, known, ip, userId, ct);
            if (outcome == SubscribeOutcome.Throttled) return (ListsOutcome.Throttled, wait);
            if (outcome != SubscribeOutcome.Accepted) return (ListsOutcome.Invalid, null);
            var pending = await db.Set<Subscriber>().AsNoTracking().SingleAsync(s => s.Email == address, ct);
            await ReplaceAsync(pending.Id, known, null, ct);
            return (ListsOutcome.ConfirmationSent, null);
        }
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO newsletter_subscribers (email, state, bounce_count, token_hash, user_id, created_at, state_changed_at)
                VALUES ({address}, 'Unsubscribed', 0, {Subscriptions.HashToken(Guid.NewGuid().ToString("N"))}, {userId}, {now}, {now})
                ON CONFLICT (email) DO NOTHING
                """, ct);
            var s = await db.Set<Subscriber>().AsNoTracking().SingleAsync(x => x.Email == address, ct);
            await ReplaceAsync(s.Id, known, known.Count > 0 ? SubscriberState.Confirmed : SubscriberState.Unsubscribed, ct, userId);
        }, ct);
        return (ListsOutcome.Saved, null);
    }

    /// <summary>The manage page: the mailed link proves the address, so the choice holds at once.</summary>
    public async Task<ListsOutcome> SaveForSubscriberAsync(long subscriberId, IReadOnlyCollection<int> listIds, CancellationToken ct)
    {
        var known = await KnownAsync(listIds, ct);
        if (known.Count != listIds.Distinct().Count()) return ListsOutcome.Invalid;
        await db.InTransactionAsync(() => ReplaceAsync(subscriberId, known, known.Count > 0 ? SubscriberState.Confirmed : SubscriberState.Unsubscribed, ct), ct);
        return ListsOutcome.Saved;
    }

    private async Task<List<int>> KnownAsync(IReadOnlyCollection<int> listIds, CancellationToken ct) =>
        await db.Set<NewsletterList>().Where(l => listIds.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);

    /// <summary>Makes the subscriber's lists exactly <paramref name="lists"/>; a state, if given, is set too.</summary>
    private async Task ReplaceAsync(long subscriberId, List<int> lists, SubscriberState? state, CancellationToken ct, string? userId = null)
    {
        var now = clock.GetUtcNow();
        await db.Set<NewsletterSubscription>().Where(x => x.SubscriberId == subscriberId && !lists.Contains(x.ListId)).ExecuteDeleteAsync(ct);
        var have = await db.Set<NewsletterSubscription>().Where(x => x.SubscriberId == subscriberId).Select(x => x.ListId).ToListAsync(ct);
        foreach (var id in lists.Except(have)) db.Add(new NewsletterSubscription { SubscriberId = subscriberId, ListId = id, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        if (state is { } st)
        {
            var s = await db.Set<Subscriber>().SingleAsync(x => x.Id == subscriberId, ct);
            if (s.State != st)
            {
                s.State = st;
                s.StateChangedAt = now;
                if (st == SubscriberState.Confirmed) { s.ConfirmedAt = now; s.BounceCount = 0; }
            }
            s.UserId ??= userId;
            await db.SaveChangesAsync(ct);
        }
    }
}
