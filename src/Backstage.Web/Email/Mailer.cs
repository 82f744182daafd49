using System.Globalization;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Email;

/// <summary>
/// Queues mail: the message row and its "send-email" job are saved in one SaveChanges, so a message is either queued
/// for certain or not at all; a worker on any node delivers it, retrying with backoff while the mail server is down.
/// </summary>
public sealed class Mailer(BackstageDbContext db, JobQueue queue, TimeProvider clock, IOptions<BackstageOptions> site)
{
    public const int MaxAttempts = 30;

    /// <summary>"/account/x?y=1" → "https://site/account/x?y=1", from Backstage:PublicBaseUrl only (<see cref="BackstageOptions.LinkBase"/>).</summary>
    public string Link(string path) => site.Value.Link(path);

    /// <summary>Queues one message. With a <paramref name="dedupKey"/>, a message already queued under that key is not queued again (returns false).</summary>
    public async Task<bool> SendAsync(string to, string? toName, string subject, string body, string? unsubscribeUrl = null, string? dedupKey = null,
        CancellationToken ct = default)
    {
        if (dedupKey is not null && await db.Set<OutgoingEmail>().AnyAsync(e => e.DedupKey == dedupKey, ct)) return false;
        var message = new OutgoingEmail
        {
            ToAddress = to, ToName = toName, Subject = subject, Body = body, UnsubscribeUrl = unsubscribeUrl, DedupKey = dedupKey,
            CreatedAt = clock.GetUtcNow(),
        };
        if (unsubscribeUrl is not null) message.Body += $"\n\n--\nYou get this because you asked for it. Unsubscribe with one click: {unsubscribeUrl}\n";
        db.Add(message);
        // More attempts than a render job: with the backoff capped at Jobs:MaxRetryDelay (1 h), a day-long outage is survived.
        var job = queue.Enqueue(db, SendEmailHandler.JobKind, message.Id.ToString("N", CultureInfo.InvariantCulture));
        job.MaxAttempts = Math.Max(job.MaxAttempts, MaxAttempts);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (dedupKey is not null)
        {
            return false; // another node queued the same notification a moment ago
        }
        queue.Notify();
        return true;
    }
}
