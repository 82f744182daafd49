using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Backstage.Web.Email;

/// <summary>
/// The "send-email" job. A mail server outage throws, and the job queue retries with exponential backoff
/// (Backstage:Jobs:RetryBaseDelay, MaxAttempts); the last failure is logged as an error with the message id.
/// Sent messages are marked, so a repeated run after success sends nothing (a crash between sending and marking can
/// send twice; the fixed Message-Id lets mail clients fold the duplicate).
/// </summary>
public sealed class SendEmailHandler(BackstageDbContext db, MailTransport transport, IOptions<EmailOptions> options, IOptions<BackstageOptions> site, TimeProvider clock,
    ILogger<SendEmailHandler> log) : IJobHandler
{
    public const string JobKind = "send-email";
    public string Kind => JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!Guid.TryParse(job.Payload, out var id)) throw new PermanentJobException("bad payload");
        var mail = await db.Set<OutgoingEmail>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (mail is null || mail.SentAt is not null) return;
        var o = options.Value;
        var message = new MimeMessage { Subject = mail.Subject, MessageId = $"{mail.Id:N}@{new Uri(site.Value.LinkBase).Host}" };
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.ToAddress));
        if (mail.UnsubscribeUrl is not null) message.Headers.Add("List-Unsubscribe", $"<{mail.UnsubscribeUrl}>");
        message.Body = new TextPart("plain") { Text = mail.Body };
        await transport.DeliverAsync(message, ct);
        mail.SentAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct)
    {
        if (final) log.LogError("Email {Id} could not be delivered after {Attempts} attempts and is given up: {Error}", job.Payload, job.Attempts, error);
        else log.LogWarning("Email {Id} not delivered yet (attempt {Attempt} of {Max}), will retry: {Error}", job.Payload, job.Attempts, job.MaxAttempts, error);
        return Task.CompletedTask;
    }
}
