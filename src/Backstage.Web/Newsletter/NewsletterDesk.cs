using System.Globalization;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Newsletter;

/// <summary>What the issue form owns.</summary>
public sealed record IssueFields(string Subject, string IntroMarkdown, IReadOnlyList<int> ArticleIds, IReadOnlyList<int> ShowIds, IReadOnlyList<int> ListIds, uint Version);

/// <summary>The result of a studio action: Ok with the issue id and a message, or the field and reason it was refused.</summary>
public sealed record DeskOutcome(bool Ok, long? Id, string Message, string? Field = null)
{
    public static DeskOutcome Fail(string message, string? field = null) => new(false, null, message, field);
}

/// <summary>One issue's line in the studio: state and counts.</summary>
public sealed record IssueSummary(NewsletterIssue Issue, int Sent, int Failed, int Bounced, int Pending, int UnsubscribedSince);

/// <summary>
/// The studio's newsletter actions: save a draft, send a test to the editor, send now or schedule, put a scheduled
/// issue back to draft. Sending is a job (<see cref="NewsletterSendHandler"/>); this only checks the issue, records its
/// state and queues the job, in one transaction.
/// </summary>
public sealed class NewsletterDesk(BackstageDbContext db, IssueMessages messages, JobQueue queue, TimeProvider clock)
{
    public const string TestJobKind = NewsletterTestHandler.JobKind;

    public async Task<DeskOutcome> SaveAsync(long? id, IssueFields f, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(f.Subject)) return DeskOutcome.Fail("Subject: the issue needs a subject line.", "Input.Subject");
        if (f.Subject.Trim().Length > 200) return DeskOutcome.Fail("Subject: at most 200 characters.", "Input.Subject");
        if (f.IntroMarkdown.Length > 20000) return DeskOutcome.Fail("Intro: at most 20,000 characters.", "Input.Intro");
        var now = clock.GetUtcNow();
        try
        {
            return await db.InTransactionAsync(async () =>
            {
                NewsletterIssue issue;
                if (id is null)
                {
                    issue = new NewsletterIssue { State = NewsletterIssueState.Draft, CreatedAt = now, CreatedBy = actor.Name, Slug = "draft-" + Guid.NewGuid().ToString("N") };
                    db.Add(issue);
                }
                else
                {
                    var found = await db.Set<NewsletterIssue>().FirstOrDefaultAsync(i => i.Id == id, ct);
                    if (found is null) return DeskOutcome.Fail("That issue does not exist.");
                    issue = found;
                    if (issue.State is NewsletterIssueState.Sending or NewsletterIssueState.Sent)
                        return DeskOutcome.Fail("This issue is already being sent or was sent: it can no longer change.");
                    db.Entry(issue).Property(i => i.Version).OriginalValue = f.Version;
                }
                issue.Subject = f.Subject.Trim();
                issue.IntroMarkdown = f.IntroMarkdown;
                issue.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                issue.Slug = await SlugAsync(issue, ct);
                await db.Set<NewsletterStory>().Where(s => s.IssueId == issue.Id).ExecuteDeleteAsync(ct);
                await db.Set<NewsletterIssueList>().Where(s => s.IssueId == issue.Id).ExecuteDeleteAsync(ct);
                var articleIds = f.ArticleIds.Distinct().ToList();
                var showIds = f.ShowIds.Distinct().ToList();
                var position = 0;
                // Only published articles and live shows can be picked; the rules are applied again at every rendering.
                var articles = await db.Articles.Live(now).Where(a => articleIds.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
                var shows = await db.Shows.Where(Galleries.GalleryVisibility.ShowLive(now)).Where(s => showIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
                foreach (var a in articleIds.Where(articles.Contains))
                    db.Add(new NewsletterStory { IssueId = issue.Id, Kind = StoryKind.Article, TargetId = a, Position = ++position });
                foreach (var s in showIds.Where(shows.Contains))
                    db.Add(new NewsletterStory { IssueId = issue.Id, Kind = StoryKind.Show, TargetId = s, Position = ++position });
                var lists = await db.Set<NewsletterList>().Where(l => f.ListIds.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
                foreach (var l in lists) db.Add(new NewsletterIssueList { IssueId = issue.Id, ListId = l });
                await db.SaveChangesAsync(ct);
                return new DeskOutcome(true, issue.Id, "Saved.");
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return DeskOutcome.Fail("Someone else changed this issue since you opened it. Reload it, then make your changes again.");
        }
    }

    /// <summary>"{subject}-{yyyy-mm-dd}" of the day it was created, with "-2", "-3"… when another issue has it.</summary>
    private async Task<string> SlugAsync(NewsletterIssue issue, CancellationToken ct)
    {
        var stem = Slugs.From(issue.Subject, 100);
        if (stem.Length == 0) stem = "issue";
        stem += "-" + issue.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var n = 1; ; n++)
        {
            var slug = n == 1 ? stem : $"{stem}-{n}";
            if (!await db.Set<NewsletterIssue>().AnyAsync(i => i.Slug == slug && i.Id != issue.Id, ct)) return slug;
        }
    }

    /// <summary>Renders the issue as a subscriber would get it now (placeholder links), for the preview and the checks.</summary>
    public async Task<IssueMessages.Template?> PreviewAsync(long id, CancellationToken ct) =>
        await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } issue ? await messages.ForMailAsync(issue, ct) : null;

    /// <summary>Why the issue cannot go out as it is (no list, no story readers may see, too big for Gmail); null when it can.</summary>
    public async Task<DeskOutcome?> CheckAsync(long id, bool needsLists, CancellationToken ct)
    {
        if (await PreviewAsync(id, ct) is not { } t) return DeskOutcome.Fail("That issue does not exist.");
        if (needsLists && !await db.Set<NewsletterIssueList>().AnyAsync(x => x.IssueId == id, ct))
            return DeskOutcome.Fail("Lists: choose at least one list to send to.", "Input.ListIds");
        if (t.Content.Stories.Count == 0)
            return DeskOutcome.Fail("Stories: pick at least one published article or live show.", "Input.ArticleIds");
        if (messages.SizeFor(t) > EmailRenderer.LimitBytes)
            return DeskOutcome.Fail($"The email is {(messages.SizeFor(t) / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} KB. {EmailRenderer.TooBigMessage}");
        return null;
    }

    /// <summary>"Send a test to me": one message to the editor's address, through the job queue like every mail.</summary>
    public async Task<DeskOutcome> SendTestAsync(long id, string to, CancellationToken ct)
    {
        if (await CheckAsync(id, needsLists: false, ct) is { } problem) return problem;
        var job = queue.Enqueue(db, TestJobKind, JsonSerializer.Serialize(new NewsletterTestHandler.Payload(id, to)));
        job.MaxAttempts = Math.Max(job.MaxAttempts, NewsletterSendHandler.MaxJobAttempts);
        await db.SaveChangesAsync(ct);
        queue.Notify();
        return new DeskOutcome(true, id, $"A test is on its way to {to}.");
    }

    /// <summary>Send now (<paramref name="at"/> null) or at a time: Scheduled, and a send job due then.</summary>
    public async Task<DeskOutcome> SendAsync(long id, DateTimeOffset? at, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (at is { } t && t <= now) return DeskOutcome.Fail("Send at: that time is in the past. Choose a later time, or press Send.", "Input.ScheduleAtLocal");
        if (await CheckAsync(id, needsLists: true, ct) is { } problem) return problem;
        var when = at ?? now;
        var outcome = await db.InTransactionAsync(async () =>
        {
            var changed = await db.Set<NewsletterIssue>().Where(i => i.Id == id && (i.State == NewsletterIssueState.Draft || i.State == NewsletterIssueState.Scheduled))
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, NewsletterIssueState.Scheduled).SetProperty(i => i.ScheduledFor, when)
                    .SetProperty(i => i.UpdatedAt, now), ct);
            if (changed == 0) return DeskOutcome.Fail("This issue is already being sent or was sent.");
            var job = queue.Enqueue(db, NewsletterSendHandler.JobKind, id.ToString(CultureInfo.InvariantCulture));
            job.RunAfter = when;
            job.MaxAttempts = Math.Max(job.MaxAttempts, NewsletterSendHandler.MaxJobAttempts);
            await LogAsync(actor, now, at is null ? StudioActions.NewsletterSend : StudioActions.NewsletterSchedule, id,
                at is null ? null : "for " + when.ToString("u", CultureInfo.InvariantCulture), ct);
            await db.SaveChangesAsync(ct);
            return new DeskOutcome(true, id, at is null ? "Sending: the first batch goes out now." : "Scheduled.");
        }, ct);
        if (outcome.Ok) queue.Notify();
        return outcome;
    }

    /// <summary>A scheduled issue that has not started goes back to draft (its job then finds nothing to do).</summary>
    public async Task<DeskOutcome> UnscheduleAsync(long id, Actor actor, CancellationToken ct) => await db.InTransactionAsync(async () =>
    {
        var now = clock.GetUtcNow();
        if (await db.Set<NewsletterIssue>().Where(i => i.Id == id && i.State == NewsletterIssueState.Scheduled)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, NewsletterIssueState.Draft).SetProperty(i => i.ScheduledFor, (DateTimeOffset?)null)
                    .SetProperty(i => i.UpdatedAt, now), ct) != 1)
            return DeskOutcome.Fail("Only a scheduled issue that has not started can go back to draft.");
        await LogAsync(actor, now, StudioActions.NewsletterUnschedule, id, null, ct);
        await db.SaveChangesAsync(ct);
        return new DeskOutcome(true, id, "Back to draft: it will not be sent.");
    }, ct);

    /// <summary>The studio log entry for a send, schedule or unschedule, committed with it.</summary>
    private async Task LogAsync(Actor actor, DateTimeOffset now, string action, long id, string? why, CancellationToken ct)
    {
        var subject = await db.Set<NewsletterIssue>().Where(i => i.Id == id).Select(i => i.Subject).SingleAsync(ct);
        StudioLog.Record(db, actor, now, action, "newsletter", checked((int)id), "Newsletter: " + subject, why);
    }

    /// <summary>Every issue, newest first, with its delivery counts and the subscribers it reached who unsubscribed since.</summary>
    public async Task<List<IssueSummary>> SummariesAsync(CancellationToken ct)
    {
        var issues = await db.Set<NewsletterIssue>().AsNoTracking().OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var ids = issues.Select(i => i.Id).ToList();
        var counts = await db.Set<NewsletterDelivery>().Where(d => ids.Contains(d.IssueId))
            .GroupBy(d => new { d.IssueId, d.State }).Select(g => new { g.Key.IssueId, g.Key.State, N = g.Count() }).ToListAsync(ct);
        var unsubscribed = await db.Set<NewsletterDelivery>().Where(d => ids.Contains(d.IssueId) && d.State == DeliveryState.Sent)
            .Join(db.Set<Subscriber>(), d => d.SubscriberId, s => s.Id, (d, s) => new { d.IssueId, d.SentAt, s.State, s.StateChangedAt })
            .Where(x => x.State == SubscriberState.Unsubscribed && x.StateChangedAt > x.SentAt)
            .GroupBy(x => x.IssueId).Select(g => new { IssueId = g.Key, N = g.Count() }).ToDictionaryAsync(x => x.IssueId, x => x.N, ct);
        int N(long id, DeliveryState s) => counts.FirstOrDefault(c => c.IssueId == id && c.State == s)?.N ?? 0;
        return issues.Select(i => new IssueSummary(i, N(i.Id, DeliveryState.Sent), N(i.Id, DeliveryState.Failed), N(i.Id, DeliveryState.Bounced),
            N(i.Id, DeliveryState.Pending), unsubscribed.GetValueOrDefault(i.Id))).ToList();
    }
}
