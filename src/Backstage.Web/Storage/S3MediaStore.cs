using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Backstage.Web.Storage;

/// <summary>
/// Media in a bucket of any S3-compatible server (AWS, Cloudflare R2, SeaweedFS, Garage, Ceph RGW; s3rver in tests).
/// A PutObject is atomic per object by the protocol: the object appears whole or not at all. The bucket stays private;
/// readers get bytes through the app (which checks visibility) or a CDN in front of it, never from the bucket.
/// </summary>
public sealed class S3MediaStore(IAmazonS3 s3, string bucket) : IMediaStore
{
    public string? LocalPath(string key) => null;

    public async Task PutFileAsync(string key, string sourcePath, string contentType, CancellationToken ct)
    {
        Check(key);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, FilePath = sourcePath, ContentType = contentType,
            // aws-chunked uploads are an AWS extension that several compatible servers reject.
            UseChunkEncoding = false,
        }, ct);
    }

    public async Task<StoredObject?> StatAsync(string key, CancellationToken ct)
    {
        Check(key);
        try
        {
            var m = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct);
            return new StoredObject(key, m.ContentLength, ToOffset(m.LastModified), m.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> DownloadAsync(string key, string destinationPath, CancellationToken ct)
    {
        Check(key);
        var tmp = destinationPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct))
            await using (var to = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                await response.ResponseStream.CopyToAsync(to, 128 * 1024, ct);
            File.Move(tmp, destinationPath, overwrite: true);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        finally
        {
            try { File.Delete(tmp); } catch (IOException) { }
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        Check(key);
        try
        {
            var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct);
            return response.ResponseStream; // disposing it ends the response
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        Check(key);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, ct);
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request, ct);
            foreach (var o in page.S3Objects ?? [])
                yield return new StoredObject(o.Key, o.Size ?? 0, ToOffset(o.LastModified), o.ETag);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static DateTimeOffset ToOffset(DateTime? t) =>
        t is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : DateTimeOffset.MinValue;

    private static void Check(string key)
    {
        if (!MediaKeys.IsSafe(key)) throw new ArgumentException($"not a media key: {key}", nameof(key));
    }
}
