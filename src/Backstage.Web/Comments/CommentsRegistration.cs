using Backstage.Web.Jobs;

namespace Backstage.Web.Comments;

public static class CommentsRegistration
{
    public static void AddBackstageComments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CommentPosting>();
        builder.Services.AddScoped<CommentModeration>();
        builder.Services.AddScoped<TrashPurge>();
        builder.Services.AddScoped<CommentQueries>();
        builder.Services.AddHostedService<TrashPurgeService>();
        // The mail that comments cause: reply notifications and the admins' daily moderation digest.
        builder.Services.AddScoped<ReplyNotifications>();
        builder.Services.AddDailyJob<ModerationDigest>();
        builder.Services.AddScoped<IJobHandler, ReplyNotificationHandler>();
        builder.Services.AddScoped<IJobHandler, ModerationDigestHandler>();
    }
}
