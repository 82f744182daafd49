using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Seeding;

public static class SeedingRegistration
{
    /// <summary>The roles every site needs, and in Development the demo accounts, article, shows and photos.</summary>
    public static void AddBackstageSeeding(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Seeder>();
        builder.Services.AddScoped<GallerySeeder>();
        builder.Services.AddScoped<IJobHandler, DemoPhotosHandler>();
    }

    /// <summary>Applies migrations (if enabled) and seeds roles, plus demo content in Development.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<BackstageOptions>>().Value;
        if (options.MigrateOnStartup)
            await scope.ServiceProvider.GetRequiredService<BackstageDbContext>().ApplyMigrationsAsync();
        await scope.ServiceProvider.GetRequiredService<Seeder>()
            .SeedAsync(demo: options.SeedDemoContent && app.Environment.IsDevelopment());
    }
}
