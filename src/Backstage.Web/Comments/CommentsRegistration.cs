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
    }
}
