using Microsoft.Extensions.Options;

namespace Backstage.Web.Reader;

/// <summary>Absolute public URLs from Backstage:PublicBaseUrl (required outside Development, see PublicOrigin); only
/// Development, which may run without it, falls back to the request's own scheme and host.</summary>
public sealed class SiteUrls(IOptions<BackstageOptions> options, IHttpContextAccessor http)
{
    public string BaseUrl
    {
        get
        {
            if (options.Value.PublicBase is { } configured) return configured;
            var request = http.HttpContext?.Request ?? throw new InvalidOperationException("No request to take the public base URL from; set Backstage:PublicBaseUrl.");
            return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
        }
    }

    /// <summary>"/articles/x" → "https://host/articles/x"; absolute URLs pass unchanged.</summary>
    public string Absolute(string pathOrUrl) => BackstageOptions.Join(BaseUrl, pathOrUrl);
}
