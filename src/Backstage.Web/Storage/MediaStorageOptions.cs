using Microsoft.Extensions.Options;

namespace Backstage.Web.Storage;

/// <summary>Bound from "Backstage:Media:Storage"; checked at start (<see cref="MediaStorageOptionsValidator"/>).</summary>
public sealed class MediaStorageOptions
{
    public const string Section = "Backstage:Media:Storage";
    public const string FileSystem = "FileSystem";
    public const string S3 = "S3";

    /// <summary>"FileSystem" (default: &lt;DataDirectory&gt;/media) or "S3".</summary>
    public string Kind { get; set; } = FileSystem;
    /// <summary>FileSystem only: the media root. Default &lt;DataDirectory&gt;/media.</summary>
    public string? Path { get; set; }
    /// <summary>S3: the endpoint of a non-AWS server, e.g. "http://127.0.0.1:8333"; empty for AWS itself (then <see cref="Region"/> picks it).</summary>
    public string? ServiceUrl { get; set; }
    public string? Bucket { get; set; }
    public string Region { get; set; } = "us-east-1";
    /// <summary>S3 credentials; when both are empty the standard AWS sources apply (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role).</summary>
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>Largest size of this node's local read-through cache of renditions (S3 only); 0 turns it off.</summary>
    public long CacheBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    /// <summary>Node-local folders: the rendition cache and the spool for uploads and renders. Default under DataDirectory.</summary>
    public string? CacheDirectory { get; set; }
    public string? SpoolDirectory { get; set; }

    public bool IsS3 => string.Equals(Kind, S3, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Says what is wrong, in the operator's terms, so the node refuses to start instead of failing on the first upload.</summary>
public sealed class MediaStorageOptionsValidator : IValidateOptions<MediaStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaStorageOptions o)
    {
        var errors = new List<string>();
        if (!o.IsS3 && !string.Equals(o.Kind, MediaStorageOptions.FileSystem, StringComparison.OrdinalIgnoreCase))
            errors.Add($"{MediaStorageOptions.Section}:Kind is \"{o.Kind}\"; use \"FileSystem\" or \"S3\".");
        if (o.IsS3)
        {
            if (string.IsNullOrWhiteSpace(o.Bucket))
                errors.Add($"{MediaStorageOptions.Section}:Bucket is required when Kind is S3 (the bucket must exist).");
            if (!string.IsNullOrWhiteSpace(o.ServiceUrl)
                && !(Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
                errors.Add($"{MediaStorageOptions.Section}:ServiceUrl \"{o.ServiceUrl}\" is not an http(s) URL like http://127.0.0.1:8333.");
            if (string.IsNullOrEmpty(o.AccessKey) != string.IsNullOrEmpty(o.SecretKey))
                errors.Add($"{MediaStorageOptions.Section}: set both AccessKey and SecretKey, or neither (then AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY apply).");
            if (string.IsNullOrWhiteSpace(o.Region))
                errors.Add($"{MediaStorageOptions.Section}:Region is empty (use e.g. us-east-1; most non-AWS servers accept any).");
        }
        if (o.CacheBytes < 0) errors.Add($"{MediaStorageOptions.Section}:CacheBytes must be 0 (off) or more.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
