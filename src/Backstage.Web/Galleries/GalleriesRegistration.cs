using Backstage.Media;
using Backstage.Web.Articles;
using Backstage.Web.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backstage.Web.Galleries;

public static class GalleriesRegistration
{
    /// <summary>Photos, renditions and their render jobs, the sweeper, the gallery embed and publish check. Config: Backstage:Media.</summary>
    public static void AddBackstageGalleries(this WebApplicationBuilder builder)
    {
        MediaRuntime.Initialize();
        var s = builder.Services;
        s.AddMediaOptions();
        s.AddOptions<RightsOptions>().BindConfiguration(RightsOptions.Section).ValidateOnStart();
        s.AddSingleton<IImageProcessor>(sp => new VipsImageProcessor(sp.GetRequiredService<MediaOptionsAccessor>().Options));
        s.AddScoped<RenderPhotoHandler>();
        s.AddScoped<IJobHandler>(sp => sp.GetRequiredService<RenderPhotoHandler>());
        s.AddScoped<IJobHandler, RenderPhotoLaterHandler>();
        s.AddSingleton<MediaSweeper>();
        s.AddHostedService<MediaSweeperService>();
        s.AddScoped<GalleryVisibility>();
        s.AddScoped<PhotoUploads>();
        s.AddScoped<PhotoUsage>();
        s.AddScoped<Takedown>();
        s.AddScoped<GalleryEditor>();
        s.AddScoped<CodeReplacements>();
        s.AddHttpContextAccessor();
        s.AddScoped<IGalleryEmbedRenderer, GalleryEmbedRenderer>();
        s.AddScoped<IPublishCheck, PhotoPublishCheck>();
        s.AddScoped<IEmbedNotices, GalleryEmbedNotices>();
        s.AddScoped<PhotoRightsEditor>();
        s.AddScoped<IJobHandler, RightsExpiryHandler>();
        s.TryAddScoped<IPublicPhotoRemoval, NoPublicPhotoRemoval>(); // the CDN purger replaces it (Backstage:Cdn)
        s.AddDailyJob<RightsDigest>();
        s.AddScoped<IJobHandler, RightsDigestHandler>();
    }
}
