using Backstage.Web.Data;
using Microsoft.AspNetCore.HostFiltering;

namespace Backstage.Web.Hosting;

/// <summary>
/// The address readers use, Backstage:PublicBaseUrl, is where every absolute URL comes from (canonical, og:url, feed,
/// sitemap) and the only host the site answers to: host filtering allows its host (or the hosts listed in
/// AllowedHosts), so a forged Host header gets 400 and is never reflected into a link or a Location header.
/// Outside Development the site refuses to start without it; Development falls back to the request's own host.
/// </summary>
public static class PublicOrigin
{
    public static void AddBackstagePublicOrigin(this WebApplicationBuilder builder)
    {
        var site = BackstageOptions.Read(builder.Configuration);
        if (site.PublicBaseUrlProblem(required: !builder.Environment.IsDevelopment()) is { } problem)
            throw new StartupException(problem);
        if (site.PublicUri is not { } uri) return; // Development without a public address: the request's own host

        var allowed = builder.Configuration["AllowedHosts"];
        builder.Services.Configure<HostFilteringOptions>(o =>
            o.AllowedHosts = string.IsNullOrWhiteSpace(allowed) ? [uri.Host] : allowed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
