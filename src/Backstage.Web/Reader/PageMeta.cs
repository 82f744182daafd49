using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backstage.Web.Reader;

/// <summary>
/// What a public page tells search engines and social networks: set ViewData["Meta"] in the page. Pages that don't
/// get OpenGraph/Twitter tags and a canonical URL built from their title, description and path (Pages/Shared/_Meta).
/// </summary>
public sealed class PageMeta
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    /// <summary>OpenGraph type: "website" or "article".</summary>
    public string Type { get; init; } = "website";
    /// <summary>Path (or absolute URL) of the canonical address; default: the request path.</summary>
    public string? CanonicalPath { get; init; }
    public MetaImage? Image { get; init; }
    public DateTimeOffset? PublishedTime { get; init; }
    public DateTimeOffset? ModifiedTime { get; init; }
    public bool NoIndex { get; init; }
    /// <summary>Structured data (schema.org) serialized into a JSON-LD block.</summary>
    public object? JsonLd { get; init; }
}

public sealed record MetaImage(string Url, int Width, int Height, string? Alt);

public static class JsonLd
{
    // JavaScriptEncoder.Default escapes < > & ' and non-ASCII, so "</script>" or "<!--" in a title can never end
    // or alter the <script type="application/ld+json"> block it is written into.
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.Default,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(object data) => JsonSerializer.Serialize(data, Options);

    public static Dictionary<string, object?> Thing(string type) => new() { ["@context"] = "https://schema.org", ["@type"] = type };

    public static string Date(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    public static Dictionary<string, object?> Organization() => new()
    {
        ["@type"] = "Organization", ["name"] = "Backstage",
    };
}
