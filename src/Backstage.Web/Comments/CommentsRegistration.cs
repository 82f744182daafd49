namespace Backstage.Web.Comments;

public static class CommentsRegistration
{
    public static void AddBackstageComments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CommentService>();
        builder.Services.AddScoped<CommentQueries>();
        builder.Services.AddHostedService<TrashPurgeService>();
    }
}
