using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Backstage.Tests.Shared;
using Microsoft.AspNetCore.Hosting;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>
/// A real S3-protocol server (s3rver from tests/services) on a free loopback port with one bucket, storing on a temp
/// directory; disposed with its data. <see cref="RawClient"/> is an independent view: the plain AWS SDK client, built
/// here rather than by the app, to list and read back what the app stored.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string AccessKey = "S3RVER"; // s3rver's fixed credentials
    public const string SecretKey = "S3RVER";
    private readonly NpmService _service;
    private readonly string _directory;

    private S3Server(NpmService service, string directory, string bucket)
    {
        _service = service;
        _directory = directory;
        Bucket = bucket;
    }

    public string Bucket { get; }
    public string ServiceUrl => $"http://127.0.0.1:{_service.Port}";

    public static async Task<S3Server> StartAsync(string bucket = "backstage-media")
    {
        var dir = Path.Combine(Path.GetTempPath(), "backstage-s3-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var service = await NpmService.StartAsync("s3rver", p => ["-d", dir, "-p", p[0], "-a", "127.0.0.1", "--silent", "--configure-bucket", bucket]);
        return new S3Server(service, dir, bucket);
    }

    /// <summary>Points an app at this server and bucket.</summary>
    public void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Backstage:Media:Storage:Kind", "S3");
        builder.UseSetting("Backstage:Media:Storage:ServiceUrl", ServiceUrl);
        builder.UseSetting("Backstage:Media:Storage:Bucket", Bucket);
        builder.UseSetting("Backstage:Media:Storage:AccessKey", AccessKey);
        builder.UseSetting("Backstage:Media:Storage:SecretKey", SecretKey);
    }

    public IAmazonS3 RawClient() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl, ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Every key in the bucket under <paramref name="prefix"/>, as the raw client lists them.</summary>
    public async Task<List<string>> KeysAsync(string prefix = "")
    {
        using var s3 = RawClient();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true) return keys;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<byte[]> ReadAsync(string key)
    {
        using var s3 = RawClient();
        using var response = await s3.GetObjectAsync(Bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
