using Backstage.Media;
using Backstage.Web.Articles;
using Backstage.Web.Jobs;

namespace Backstage.Web.Galleries;

public static class GalleriesRegistration
{
    /// <summary>Photos, renditions and their render jobs, the sweeper, the gallery embed and publish check. Config: Backstage:Media.</summary>
    public static void AddBackstageGalleries(this WebApplicationBuilder builder)
    {
        MediaRuntime.Initialize();
        var section = builder.Configuration.GetSection(MediaOptions.SectionName);
        var mediaOptions = section.Get<MediaOptions>() ?? new MediaOptions();
        // The binder appends configured array items to the defaults: configured arrays replace them instead.
        if (section.GetSection("Widths").Exists()) mediaOptions.Widths = section.GetSection("Widths").Get<int[]>()!;
        if (section.GetSection("Formats").Exists()) mediaOptions.Formats = section.GetSection("Formats").Get<string[]>()!;
        if (section.GetSection("AvifWidths").Exists()) mediaOptions.AvifWidths = section.GetSection("AvifWidths").Get<int[]>();
        var s = builder.Services;
        s.AddSingleton(new MediaOptionsAccessor(mediaOptions));
        s.AddSingleton(builder.Configuration.GetSection(MediaOptions.SectionName).Get<QuarantineOptions>() ?? new QuarantineOptions());
        s.AddSingleton<IImageProcessor>(new VipsImageProcessor(mediaOptions));
        s.AddScoped<IJobHandler, RenderPhotoHandler>();
        s.AddScoped<IJobHandler, DemoPhotosHandler>();
        s.AddSingleton<MediaSweeper>();
        s.AddHostedService<MediaSweeperService>();
        s.AddScoped<GalleryVisibility>();
        s.AddScoped<PhotoUploads>();
        s.AddScoped<PhotoUsage>();
        s.AddScoped<Takedown>();
        s.AddScoped<GalleryEditor>();
        s.AddScoped<IJobHandler, ShowLiveHandler>();
        s.AddScoped<GallerySeeder>();
        s.AddHttpContextAccessor();
        s.AddScoped<IGalleryEmbedRenderer, GalleryEmbedRenderer>();
        s.AddScoped<IPublishCheck, PhotoPublishCheck>();
    }
}
