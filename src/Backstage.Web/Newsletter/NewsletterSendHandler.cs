using System.Data.Common;
using System.Globalization;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Newsletter;

/// <summary>
/// A test seam: called after each message a send commits. Production leaves it empty; a test uses it to make a node
/// die mid-send.
/// </summary>
public sealed class NewsletterSendHook
{
    public Func<long, int, CancellationToken, Task>? AfterMessage { get; set; }
}

/// <summary>
/// The "newsletter-send" job (payload: the issue id), one batch per run. The first run of a due issue fans out: one
/// Pending delivery per confirmed subscriber of its lists, INSERT … ON CONFLICT DO NOTHING on UNIQUE (issue, subscriber),
/// so a repeated or concurrent fan-out adds nobody twice. Each message then is its own transaction: the delivery row is
/// locked (FOR UPDATE SKIP LOCKED, so two nodes never take the same one), handed to the mail server, and marked Sent in
/// that transaction. A node that dies leaves its row Pending and unlocked (PostgreSQL rolls the transaction back) and
/// its job's lease runs out; any node then runs the job again and goes on with the rows still Pending. The one window
/// left is a crash between the server's "250 OK" and the commit, a few milliseconds: that message goes out again with
/// the same Message-Id. A mail server that is down or drops the connection fails the run (nothing is marked), and the
/// job queue retries it with backoff: an outage delays the send and loses nothing. A batch is at most
/// <see cref="NewsletterOptions.MessagesPerMinute"/> messages; the run then queues the next batch a minute after it
/// started (only while it still holds its lease, so one chain of batches exists) or marks the issue Sent.
/// </summary>
public sealed class NewsletterSendHandler(BackstageDbContext db, IssueMessages messages, SubscriberLinks links, MailTransport transport,
    JobQueue queue, TimeProvider clock, IOptions<NewsletterOptions> options, NewsletterSendHook hook, ILogger<NewsletterSendHandler> log) : IJobHandler
{
    public const string JobKind = "newsletter-send";
    public const int MaxJobAttempts = 40;
    public string Kind => JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!long.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var issueId)) throw new PermanentJobException("bad payload");
        var started = clock.GetUtcNow();
        var issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == issueId, ct);
        if (issue is null || issue.State is NewsletterIssueState.Draft or NewsletterIssueState.Sent) return;
        if (issue.State == NewsletterIssueState.Scheduled)
        {
            // Rescheduled for later (another job carries the new time) or unscheduled: nothing to do now.
            if (issue.ScheduledFor is not { } at || at > started) return;
            if (!await FanOutAsync(job, issueId, started, ct)) return;
            issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstAsync(i => i.Id == issueId, ct);
        }

        // The content is read again, under the public rules, for every batch: a photo taken down since composing is gone.
        var template = await messages.ForMailAsync(issue, ct);
        var o = options.Value;
        var tried = new List<long>();
        int sent = 0;
        await using (var session = await transport.OpenAsync(ct))
        {
            while (sent + tried.Count < o.MessagesPerMinute)
            {
                ct.ThrowIfCancellationRequested();
                var outcome = await SendOneAsync(session, template, issueId, tried, ct);
                if (outcome is null) break;
                if (outcome.Value) sent++;
                if (hook.AfterMessage is { } after) await after(issueId, sent, ct);
            }
        }
        await FinishBatchAsync(job, issueId, started, ct);
    }

    /// <summary>Pending deliveries for every confirmed subscriber of the issue's lists, and the issue Sending. False when this run lost its lease.</summary>
    private async Task<bool> FanOutAsync(Job job, long issueId, DateTimeOffset now, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            if (!await JobQueue.HoldsLeaseAsync(db, job, ct)) return false;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO newsletter_deliveries (issue_id, subscriber_id, state, attempts, created_at)
                SELECT DISTINCT {issueId}, s.id, 'Pending', 0, {now}::timestamptz
                FROM newsletter_subscribers s
                JOIN newsletter_subscriptions x ON x.subscriber_id = s.id
                JOIN newsletter_issue_lists l ON l.list_id = x.list_id AND l.issue_id = {issueId}
                WHERE s.state = 'Confirmed'
                ON CONFLICT (issue_id, subscriber_id) DO NOTHING
                """, ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE newsletter_issues SET state = 'Sending', send_started_at = {now}, updated_at = {now},
                    recipient_count = (SELECT count(*) FROM newsletter_deliveries WHERE issue_id = {issueId})
                WHERE id = {issueId} AND state = 'Scheduled'
                """, ct);
            return true;
        }, ct);

    private sealed record Row(long Id, long SubscriberId, int Attempts, string Email, string State);

    /// <summary>
    /// Takes the next Pending delivery (not one already tried in this run) and sends it in its own transaction. Null when
    /// none is left; true when a message went out; false when the delivery was skipped, bounced or deferred.
    /// </summary>
    private async Task<bool?> SendOneAsync(MailSession session, IssueMessages.Template template, long issueId, List<long> tried, CancellationToken ct)
    {
        long? handedOver = null; // sent in an attempt whose commit failed: a retry only records it
        var o = options.Value;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var row = await NextAsync(tx, issueId, tried, ct);
            if (row is null) { await tx.CommitAsync(ct); return (bool?)null; }
            var now = clock.GetUtcNow();
            if (row.State != nameof(SubscriberState.Confirmed))
            {
                await ExecAsync(tx, "UPDATE newsletter_deliveries SET state = 'Skipped', last_error = 'no longer subscribed' WHERE id = @id", ct, ("id", row.Id));
                await tx.CommitAsync(ct);
                return false;
            }
            if (handedOver != row.Id)
            {
                try
                {
                    var message = messages.Build(template, row.Email, links.Token(row.SubscriberId),
                        $"newsletter-{issueId.ToString(CultureInfo.InvariantCulture)}-{row.SubscriberId.ToString(CultureInfo.InvariantCulture)}");
                    await session.SendAsync(message, ct);
                }
                catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted || (e.ErrorCode == SmtpErrorCode.MessageNotAccepted && (int)e.StatusCode >= 500))
                {
                    await RecordRefusalAsync(tx, row, e, o, ct);
                    await tx.CommitAsync(ct);
                    tried.Add(row.Id);
                    return false;
                }
                handedOver = row.Id;
            }
            await ExecAsync(tx, """
                UPDATE newsletter_deliveries SET state = 'Sent', sent_at = @now, attempts = attempts + 1, last_error = NULL WHERE id = @id;
                UPDATE newsletter_subscribers SET bounce_count = 0 WHERE id = @sub AND bounce_count <> 0
                """, ct, ("id", row.Id), ("now", now), ("sub", row.SubscriberId));
            await tx.CommitAsync(ct);
            return true;
        });
    }

    /// <summary>
    /// SMTP 5xx for the recipient: a hard bounce, counted; at <see cref="NewsletterOptions.BounceLimit"/> the subscriber is
    /// Bounced and never mailed again. 4xx: tried again in a later batch, up to MaxAttemptsPerMessage, then Failed.
    /// 5xx for the message itself (content refused): Failed.
    /// </summary>
    private async Task RecordRefusalAsync(IDbContextTransaction tx, Row row, SmtpCommandException e, NewsletterOptions o, CancellationToken ct)
    {
        var code = (int)e.StatusCode;
        var error = $"{code} {e.Message}";
        if (error.Length > 1000) error = error[..1000];
        if (code >= 500 && e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
        {
            await ExecAsync(tx, """
                UPDATE newsletter_deliveries SET state = 'Bounced', attempts = attempts + 1, last_error = @error WHERE id = @id;
                UPDATE newsletter_subscribers SET bounce_count = bounce_count + 1,
                    state = CASE WHEN bounce_count + 1 >= @limit THEN 'Bounced' ELSE state END,
                    state_changed_at = CASE WHEN bounce_count + 1 >= @limit THEN @now ELSE state_changed_at END
                WHERE id = @sub
                """, ct, ("id", row.Id), ("error", error), ("sub", row.SubscriberId), ("limit", o.BounceLimit), ("now", clock.GetUtcNow()));
            log.LogWarning("Newsletter delivery {Id} bounced: {Error}", row.Id, error);
            return;
        }
        var final = code >= 500 || row.Attempts + 1 >= o.MaxAttemptsPerMessage;
        await ExecAsync(tx, "UPDATE newsletter_deliveries SET state = @state, attempts = attempts + 1, last_error = @error WHERE id = @id", ct,
            ("id", row.Id), ("error", error), ("state", final ? nameof(DeliveryState.Failed) : nameof(DeliveryState.Pending)));
    }

    /// <summary>Queues the next batch a minute after this one started, or marks the issue Sent when nothing is pending.</summary>
    private async Task FinishBatchAsync(Job job, long issueId, DateTimeOffset started, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            if (!await JobQueue.HoldsLeaseAsync(db, job, ct)) return;
            var pending = await db.Set<NewsletterDelivery>().AnyAsync(d => d.IssueId == issueId && d.State == DeliveryState.Pending, ct);
            if (!pending)
            {
                await db.Set<NewsletterIssue>().Where(i => i.Id == issueId && i.State == NewsletterIssueState.Sending)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, NewsletterIssueState.Sent).SetProperty(i => i.SentAt, now)
                        .SetProperty(i => i.UpdatedAt, now), ct);
                return;
            }
            var next = queue.Enqueue(db, JobKind, issueId.ToString(CultureInfo.InvariantCulture));
            next.RunAfter = started + TimeSpan.FromMinutes(1);
            next.MaxAttempts = Math.Max(next.MaxAttempts, MaxJobAttempts);
            await db.SaveChangesAsync(ct);
        }, ct);
    }

    private static async Task<Row?> NextAsync(IDbContextTransaction tx, long issueId, List<long> tried, CancellationToken ct)
    {
        await using var cmd = Command(tx, """
            SELECT d.id, d.subscriber_id, d.attempts, s.email, s.state
            FROM newsletter_deliveries d JOIN newsletter_subscribers s ON s.id = d.subscriber_id
            WHERE d.issue_id = @issue AND d.state = 'Pending' AND NOT (d.id = ANY(@tried))
            ORDER BY d.id
            LIMIT 1
            FOR UPDATE OF d SKIP LOCKED
            """, ("issue", issueId), ("tried", tried.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Row(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3), r.GetString(4)) : null;
    }

    private static async Task ExecAsync(IDbContextTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Command(tx, sql, parameters);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(IDbContextTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        var t = tx.GetDbTransaction();
        var cmd = t.Connection!.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (final) log.LogError("Newsletter send of issue {Issue} stopped after {Attempts} attempts: {Error}; its pending messages wait for the next send", job.Payload, job.Attempts, error);
        else log.LogWarning("Newsletter send of issue {Issue} failed (attempt {Attempt} of {Max}), will retry: {Error}", job.Payload, job.Attempts, job.MaxAttempts, error);
        return Task.CompletedTask;
    }
}
