namespace Backstage.Web.Hosting;

/// <summary>
/// Security headers on every response, error pages and static files included. Scripts only from our own origin
/// and styles only from our own origin: no inline script or style anywhere (image placeholders are SVG, see
/// Galleries/Placeholder.cs), so an injected tag or attribute can neither run nor restyle the page. Images also load
/// from the media CDN when Backstage:Media:PublicBaseUrl names one.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, Galleries.MediaUrls media)
{
    private readonly string ContentSecurityPolicy =
        $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{(media.Cdn is { } cdn ? " " + cdn : "")}; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Set in HttpContext.Items to this key, a response carries <see cref="EmailHtmlPolicy"/> instead of the site's policy.</summary>
    public const string EmailHtmlKey = "Backstage.EmailHtml";

    /// <summary>
    /// For a newsletter's own HTML shown in the browser (studio preview, public web version): email needs inline styles,
    /// so only those are allowed; no script of any kind, no form, no frame, images over http(s) only.
    /// </summary>
    public const string EmailHtmlPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
            h.ContentSecurityPolicy = context.Items.ContainsKey(EmailHtmlKey) ? EmailHtmlPolicy : ContentSecurityPolicy;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
