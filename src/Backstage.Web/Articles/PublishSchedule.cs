using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Backstage.Web.Articles;

/// <summary>
/// The Publish / Schedule / Unpublish buttons of the article and show editors: one set of rules and messages for both.
/// Each method's <c>TStatus</c> is <see cref="ArticleStatus"/> or <see cref="Shows.ShowStatus"/>, which name the same
/// three states.
/// </summary>
public static class PublishSchedule
{
    /// <summary>
    /// The status and publish time after <paramref name="action"/>: "publish" (now, or the original time of something
    /// already live), "schedule" (<paramref name="publishAtLocal"/> in the site's zone, which must be in the future),
    /// "unpublish"; anything else keeps both. Problems are added to Input.PublishAtLocal.
    /// </summary>
    public static (TStatus Status, DateTimeOffset? PublishAt) Apply<TStatus>(string? action, TStatus status, DateTimeOffset? publishAt,
        DateTime? publishAtLocal, string what, SiteTime time, ModelStateDictionary modelState) where TStatus : struct, Enum
    {
        var published = Enum.Parse<TStatus>(nameof(ArticleStatus.Published));
        switch (action)
        {
            case "publish":
                return (published, status.Equals(published) && publishAt <= time.Now ? publishAt : time.Now);
            case "schedule" when publishAtLocal is null:
                modelState.AddModelError("Input.PublishAtLocal", $"Choose the date and time the {what} should go live.");
                return (status, publishAt);
            case "schedule":
                var at = time.ToUtc(publishAtLocal.Value);
                if (at <= time.Now)
                    modelState.AddModelError("Input.PublishAtLocal",
                        $"{publishAtLocal:d MMM yyyy, HH:mm} ({time.ZoneName}) is in the past. Choose a later time, or publish now.");
                return (Enum.Parse<TStatus>(nameof(ArticleStatus.Scheduled)), at);
            case "unpublish":
                return (Enum.Parse<TStatus>(nameof(ArticleStatus.Draft)), null);
            default:
                return (status, publishAt);
        }
    }
}
