using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Storage;

public static class StorageRegistration
{
    /// <summary>The media store (file system or S3), the node-local rendition cache. Config: Backstage:Media:Storage.</summary>
    public static void AddBackstageStorage(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<IValidateOptions<MediaStorageOptions>, MediaStorageOptionsValidator>();
        s.AddOptions<MediaStorageOptions>().BindConfiguration(MediaStorageOptions.Section)
            .Configure<IOptions<BackstageOptions>>((o, site) =>
            {
                var data = site.Value.DataDirectory;
                o.Path = System.IO.Path.GetFullPath(o.Path ?? System.IO.Path.Combine(data, "media"), data);
                o.CacheDirectory = System.IO.Path.GetFullPath(o.CacheDirectory ?? System.IO.Path.Combine(data, "media-cache"), data);
                o.SpoolDirectory = System.IO.Path.GetFullPath(o.SpoolDirectory ?? System.IO.Path.Combine(data, "spool"), data);
            })
            .ValidateOnStart();
        s.AddSingleton<IMediaStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MediaStorageOptions>>().Value;
            return o.IsS3 ? new S3MediaStore(CreateS3Client(o), o.Bucket!) : new FileSystemMediaStore(o.Path!);
        });
        s.AddSingleton<RenditionCache>();
    }

    /// <summary>
    /// Path-style addressing and checksums only when required: the SDK's defaults (virtual-host buckets, trailing
    /// CRC checksums) work on AWS but not on most S3-compatible servers.
    /// </summary>
    public static IAmazonS3 CreateS3Client(MediaStorageOptions o)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(o.ServiceUrl)) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(o.Region);
        else
        {
            config.ServiceURL = o.ServiceUrl;
            config.AuthenticationRegion = o.Region;
        }
        return string.IsNullOrEmpty(o.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(o.AccessKey, o.SecretKey), config);
    }
}
