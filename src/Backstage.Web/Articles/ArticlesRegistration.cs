namespace Backstage.Web.Articles;

public static class ArticlesRegistration
{
    public static void AddBackstageArticles(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MarkdownRenderer>();
        builder.Services.AddScoped<IPublishCheck, GalleryShowsExistCheck>();
        builder.Services.AddScoped<ArticlePublishing>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SiteTime>();
    }
}
