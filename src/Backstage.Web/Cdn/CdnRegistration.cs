using Backstage.Web.Cluster;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Cdn;

public static class CdnRegistration
{
    private const string Client = "cdn";

    /// <summary>CDN purging through the job queue (Backstage:Cdn, :Http, :Cloudflare, :Fastly; each checked at start).</summary>
    public static void AddBackstageCdn(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<CdnOptions>().BindConfiguration(CdnOptions.Section)
            .Validate(o => Enum.IsDefined(o.Kind), $"{CdnOptions.Section}:Kind must be None, Http, Cloudflare or Fastly.")
            .Validate(o => o.MaxAttempts >= 1, $"{CdnOptions.Section}:MaxAttempts must be at least 1.")
            .Validate(o => o.Timeout > TimeSpan.Zero, $"{CdnOptions.Section}:Timeout must be positive (e.g. 00:00:15).")
            .ValidateOnStart();
        s.AddOptions<HttpCdnOptions>().BindConfiguration(HttpCdnOptions.Section)
            .Validate<IOptions<CdnOptions>>((o, cdn) => cdn.Value.Kind != CdnKind.Http || IsHttpUrl(o.BaseUrl),
                $"{HttpCdnOptions.Section}:BaseUrl must be the caching proxy's http(s) address (e.g. http://varnish:6081) when {CdnOptions.Section}:Kind is Http.")
            .ValidateOnStart();
        s.AddOptions<CloudflareCdnOptions>().BindConfiguration(CloudflareCdnOptions.Section)
            .Validate<IOptions<CdnOptions>>((o, cdn) => cdn.Value.Kind != CdnKind.Cloudflare || !string.IsNullOrWhiteSpace(o.ZoneId) && !string.IsNullOrWhiteSpace(o.ApiToken),
                $"{CloudflareCdnOptions.Section}:ZoneId and :ApiToken are required when {CdnOptions.Section}:Kind is Cloudflare.")
            .Validate(o => IsHttpUrl(o.ApiBaseUrl), $"{CloudflareCdnOptions.Section}:ApiBaseUrl must be an http(s) URL.")
            .ValidateOnStart();
        s.AddOptions<FastlyCdnOptions>().BindConfiguration(FastlyCdnOptions.Section)
            .Validate<IOptions<CdnOptions>>((o, cdn) => cdn.Value.Kind != CdnKind.Fastly || !string.IsNullOrWhiteSpace(o.ServiceId) && !string.IsNullOrWhiteSpace(o.ApiKey),
                $"{FastlyCdnOptions.Section}:ServiceId and :ApiKey are required when {CdnOptions.Section}:Kind is Fastly.")
            .Validate(o => IsHttpUrl(o.ApiBaseUrl), $"{FastlyCdnOptions.Section}:ApiBaseUrl must be an http(s) URL.")
            .ValidateOnStart();

        s.AddHttpClient(Client).ConfigureHttpClient((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<CdnOptions>>().Value.Timeout);
        s.AddKeyedScoped<ICdnPurger>(CdnKind.Http, (sp, _) => new HttpCdnPurger(NewClient(sp), sp.GetRequiredService<IOptions<HttpCdnOptions>>()));
        s.AddKeyedScoped<ICdnPurger>(CdnKind.Cloudflare, (sp, _) => new CloudflareCdnPurger(NewClient(sp), sp.GetRequiredService<IOptions<CloudflareCdnOptions>>()));
        s.AddKeyedScoped<ICdnPurger>(CdnKind.Fastly, (sp, _) => new FastlyCdnPurger(NewClient(sp), sp.GetRequiredService<IOptions<FastlyCdnOptions>>()));
        s.AddScoped<CdnPurgeRequests>();
        s.AddScoped<ICdnPurgeRequests>(sp => sp.GetRequiredService<CdnPurgeRequests>());
        s.AddScoped<IJobHandler, CdnPurgeHandler>();
        s.AddScoped<IPublicPhotoRemoval, CdnPublicPhotoRemoval>(); // replaces Galleries' no-op default

    }

    private static HttpClient NewClient(IServiceProvider sp) => sp.GetRequiredService<IHttpClientFactory>().CreateClient(Client);

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
