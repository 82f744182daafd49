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
    public const string Key = "Backstage:PublicBaseUrl";

    public static void AddBackstagePublicOrigin(this WebApplicationBuilder builder)
    {
        var value = builder.Configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            if (builder.Environment.IsDevelopment()) return;
            throw new StartupException(
                "No public address configured. Set Backstage__PublicBaseUrl to the address readers use (for example " +
                "\"https://backstage.example\"): links, feeds and the sitemap are built from it, and requests for other hosts are refused.");
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query != "")
            throw new StartupException($"Backstage__PublicBaseUrl must be an http(s) address without a path, such as \"https://backstage.example\"; it is \"{value}\".");

        var allowed = builder.Configuration["AllowedHosts"];
        builder.Services.Configure<HostFilteringOptions>(o =>
            o.AllowedHosts = string.IsNullOrWhiteSpace(allowed) ? [uri.Host] : allowed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
