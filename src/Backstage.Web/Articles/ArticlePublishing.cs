using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Articles;

/// <summary>What the article form owns; status, author and dates are never taken from the request.</summary>
public sealed record ArticleFields(string Title, string Slug, string? Standfirst, string Body, uint Version);

/// <summary>
/// Every change of an article's state: save, publish now, schedule, unpublish (back to draft). Each is one transaction
/// with its revision, its embed rows and its studio-log row, and evicts the public pages after the commit. Publishing
/// an article changes nothing else: the shows and photos it embeds keep their state, and <see cref="IEmbedNotices"/>
/// tells the editor what of them readers would not see.
/// </summary>
public sealed class ArticlePublishing(BackstageDbContext db, IEnumerable<IPublishCheck> checks, PublicCache cache, SiteTime time)
{
    /// <summary>
    /// Saves the fields with the state <paramref name="action"/> chose ("save", "publish", "schedule", "unpublish";
    /// <paramref name="status"/> and <paramref name="publishAt"/> validated by <see cref="PublishSchedule"/>). Publish and
    /// schedule first run every <see cref="IPublishCheck"/>: one failing check saves nothing.
    /// </summary>
    public async Task<PublishOutcome> SaveAsync(int? id, ArticleFields fields, string action, ArticleStatus status, DateTimeOffset? publishAt,
        Actor actor, CancellationToken ct)
    {
        if (action is "publish" or "schedule")
        {
            var problems = new List<string>();
            foreach (var check in checks) problems.AddRange(await check.CheckAsync(fields.Body, ct));
            if (problems.Count > 0) return PublishOutcome.Refused("Nothing was published:", problems: problems);
        }
        try
        {
            var article = await db.InTransactionAsync(async () =>
            {
                Article? article;
                if (id is null) db.Articles.Add(article = new Article { AuthorId = actor.Id, CreatedAt = time.Now });
                else
                {
                    article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
                    if (article is null) return null;
                    db.Entry(article).Property(a => a.Version).OriginalValue = fields.Version;
                }
                (article.Title, article.Slug, article.Standfirst, article.Body) = (fields.Title, fields.Slug, fields.Standfirst, fields.Body);
                (article.Status, article.PublishAt, article.UpdatedAt) = (status, publishAt, time.Now);
                await ArticleEmbeds.RecordAsync(db, article, ct);
                db.Add(ArticleRevision.Of(article, actor.Id, actor.Name, time.Now));
                await db.SaveChangesAsync(ct); // the log row needs a new article's id
                if (action is "publish" or "schedule" or "unpublish")
                {
                    StudioLog.Record(db, actor, time.Now, action, "article", article.Id, article.Title,
                        action == "schedule" ? $"goes live {time.Format(publishAt)} ({time.ZoneName})" : null);
                    await db.SaveChangesAsync(ct);
                }
                return article;
            }, ct);
            if (article is null) return PublishOutcome.Refused("That article no longer exists.");
            await cache.InvalidateAsync(ct); // readers see the change (or its absence) at once
            return new PublishOutcome(true, article.Id, action switch
            {
                "publish" => "Published. It is live now.",
                "schedule" => $"Scheduled for {time.Format(publishAt)} ({time.ZoneName}).",
                "unpublish" => "Unpublished: readers no longer see it.",
                _ => "Saved.",
            });
        }
        catch (DbUpdateConcurrencyException)
        {
            return PublishOutcome.Refused("Someone else saved this article after you opened it. Nothing was overwritten: your text is still in the form below. " +
                "Open the latest version in a new tab, copy your changes over, and save there.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return PublishOutcome.Refused($"Another article already uses the address /articles/{fields.Slug}. Choose another.", "Input.Slug");
        }
    }
}

/// <summary>
/// Something an article embeds that readers would not see (yet): "At Dior is scheduled for Fri 5 Dec, 20:00 (Europe/Paris):
/// its gallery will appear then", "3 photos of At Gucci are unpublished". <see cref="OfferShow"/> and
/// <see cref="OfferPhotos"/> say which of the editor's explicit buttons apply ("Publish the show too", "Publish its ready
/// photos too").
/// </summary>
public sealed record EmbedNotice(int ShowId, string ShowTitle, string Message, bool OfferShow, int ReadyPhotos)
{
    public bool OfferPhotos => ReadyPhotos > 0;
}

/// <summary>Lists, for an article's body, what its embedded galleries hold back from readers (Galleries implements it).</summary>
public interface IEmbedNotices
{
    Task<IReadOnlyList<EmbedNotice>> ForAsync(string markdown, CancellationToken ct);
}
