using System.Globalization;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Comments;

/// <summary>
/// "Email me when someone replies": posting a reply, or approving a held one, queues a "reply-notification" job;
/// the job mails the author of the comment answered if they opted in, their address is confirmed, the reply is
/// visible (approved) and is not their own.
/// </summary>
public sealed class ReplyNotifications(BackstageDbContext db, JobQueue queue)
{
    public const string JobKind = "reply-notification";

    public async Task ReplyPostedAsync(Comment reply, CancellationToken ct = default)
    {
        if (reply.ReplyToId is null || reply.State != CommentState.Approved) return;
        ReplyApproved(reply);
        await db.SaveChangesAsync(ct);
        queue.Notify();
    }

    /// <summary>
    /// A held reply that a moderator approves: the notification is queued in the caller's unit of work (saved by its
    /// SaveChanges, so it exists only if the approval commits). Approving the same reply again mails nothing twice
    /// (the mail's dedup key is the reply).
    /// </summary>
    public void ReplyApproved(Comment reply)
    {
        if (reply.ReplyToId is not null) queue.Enqueue(db, JobKind, reply.Id.ToString(CultureInfo.InvariantCulture));
    }
}

public sealed class ReplyNotificationHandler(BackstageDbContext db, Mailer mailer, Unsubscribe unsubscribe) : IJobHandler
{
    public string Kind => ReplyNotifications.JobKind;

    public async Task RunAsync(Job job, CancellationToken ct)
    {
        if (!long.TryParse(job.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) throw new PermanentJobException("bad payload");
        var reply = await (
            from r in db.Set<Comment>().AsNoTracking()
            join target in db.Set<Comment>() on r.ReplyToId equals target.Id
            join owner in db.Users on target.AuthorId equals owner.Id
            join replier in db.Users on r.AuthorId equals replier.Id
            join article in db.Articles on r.ArticleId equals article.Id
            where r.Id == id && r.State == CommentState.Approved
            select new { r.Body, r.AuthorId, OwnerId = owner.Id, owner.Email, owner.DisplayName, owner.NotifyReplies, owner.EmailConfirmed, Replier = replier.DisplayName, article.Title, article.Slug })
            .FirstOrDefaultAsync(ct);
        if (reply is null || !reply.NotifyReplies || !reply.EmailConfirmed || reply.OwnerId == reply.AuthorId || reply.Email is null) return;
        var body = $"""
            Hello {reply.DisplayName},

            {reply.Replier} replied to your comment on "{reply.Title}":

            {CommentText.Excerpt(reply.Body, 600)}

            Read it and answer: {mailer.Link($"/articles/{reply.Slug}#comment-{id}")}
            """;
        await mailer.SendAsync(reply.Email, reply.DisplayName, $"{reply.Replier} replied to your comment on Backstage", body,
            unsubscribe.Url(reply.OwnerId, MailTopic.Replies), dedupKey: $"reply:{id}", ct: ct);
    }

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
