using System.Text.Json;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Newsletter;

/// <summary>
/// "Send a test to me": the issue as a subscriber gets it (the same headers and content rules), to the editor. Its
/// unsubscribe links name no subscriber, so they change nothing. Retried by the job queue while the mail server is down.
/// </summary>
public sealed class NewsletterTestHandler(BackstageDbContext db, IssueMessages messages, MailTransport transport) : IJobHandler
{
    public const string JobKind = "newsletter-test";
    public string Kind => JobKind;

    public sealed record Payload(long IssueId, string To);

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        var p = JsonSerializer.Deserialize<Payload>(job.Payload) ?? throw new PermanentJobException("bad payload");
        var issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == p.IssueId, ct);
        if (issue is null) return;
        var template = await messages.ForMailAsync(issue, ct);
        var message = messages.Build(template, p.To, "test", $"newsletter-test-{job.Id}");
        message.Subject = "[Test] " + message.Subject;
        await transport.DeliverAsync(message, ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
