using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Cdn;

/// <summary>What one purge job asks: absolute public URLs (renditions and pages) and the surrogate keys that cover them.</summary>
public sealed record PurgeBatch(string[] Urls, string[] Tags, string Reason);

/// <summary>Sends a purge to one CDN; throws when the CDN refused or could not be reached (the job retries).</summary>
public interface ICdnPurger
{
    Task PurgeAsync(PurgeBatch batch, CancellationToken ct);
}

/// <summary>
/// Varnish, nginx and other caching proxies: one PURGE per URL, sent to Backstage:Cdn:Http:BaseUrl with the public
/// URL's path and its Host (the proxy keys its cache on both); or, with UseTags, one "BAN /" per key with X-Ban-Tag.
/// 200 and 404 (nothing cached) are success.
/// </summary>
internal sealed class HttpCdnPurger(HttpClient http, IOptions<HttpCdnOptions> options) : ICdnPurger
{
    public async Task PurgeAsync(PurgeBatch batch, CancellationToken ct)
    {
        var proxy = new Uri(options.Value.BaseUrl!.TrimEnd('/') + "/");
        if (options.Value.UseTags)
        {
            foreach (var tag in batch.Tags)
            {
                using var ban = new HttpRequestMessage(new HttpMethod("BAN"), new Uri(proxy, "/"));
                ban.Headers.Add("X-Ban-Tag", tag);
                await SendAsync(ban, "BAN " + tag, ct);
            }
            return;
        }
        foreach (var url in batch.Urls)
        {
            var u = new Uri(url);
            using var purge = new HttpRequestMessage(new HttpMethod("PURGE"), new Uri(proxy, u.PathAndQuery));
            purge.Headers.Host = u.Authority;
            await SendAsync(purge, "PURGE " + url, ct);
        }
    }

    private async Task SendAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            throw new HttpRequestException($"{what}: the proxy answered {(int)response.StatusCode} {response.ReasonPhrase}");
    }
}

/// <summary>
/// Cloudflare's API: POST /zones/{zone}/purge_cache with {"files":[…]} (30 URLs a call) or, with UseTags, {"tags":[…]}
/// (30 tags a call), authorised by a bearer token; an answer without "success": true is a failure.
/// </summary>
internal sealed class CloudflareCdnPurger(HttpClient http, IOptions<CloudflareCdnOptions> options) : ICdnPurger
{
    public const int PerCall = 30;

    public async Task PurgeAsync(PurgeBatch batch, CancellationToken ct)
    {
        var o = options.Value;
        var (field, items) = o.UseTags ? ("tags", batch.Tags) : ("files", batch.Urls);
        foreach (var chunk in items.Chunk(PerCall))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.ApiBaseUrl.TrimEnd('/')}/zones/{Uri.EscapeDataString(o.ZoneId!)}/purge_cache")
            {
                Content = JsonContent.Create(new Dictionary<string, string[]> { [field] = chunk }),
            };
            request.Headers.Authorization = new("Bearer", o.ApiToken);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            bool success = false;
            try { success = JsonDocument.Parse(body).RootElement.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True; }
            catch (JsonException) { }
            if (!response.IsSuccessStatusCode || !success)
                throw new HttpRequestException($"Cloudflare purge_cache answered {(int)response.StatusCode}: {Truncate(body)}");
        }
    }

    internal static string Truncate(string s) => s.Length > 500 ? s[..500] : s;
}

/// <summary>
/// Fastly's API: POST /service/{id}/purge with the keys in a Surrogate-Key header (256 a call), authorised by Fastly-Key;
/// Fastly-Soft-Purge when configured.
/// </summary>
internal sealed class FastlyCdnPurger(HttpClient http, IOptions<FastlyCdnOptions> options) : ICdnPurger
{
    public const int PerCall = 256;

    public async Task PurgeAsync(PurgeBatch batch, CancellationToken ct)
    {
        var o = options.Value;
        foreach (var chunk in batch.Tags.Chunk(PerCall))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.ApiBaseUrl.TrimEnd('/')}/service/{Uri.EscapeDataString(o.ServiceId!)}/purge");
            request.Headers.Add("Fastly-Key", o.ApiKey);
            request.Headers.Add("Surrogate-Key", string.Join(' ', chunk));
            request.Headers.Accept.ParseAdd("application/json");
            if (o.SoftPurge) request.Headers.Add("Fastly-Soft-Purge", "1");
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Fastly purge answered {(int)response.StatusCode}: {CloudflareCdnPurger.Truncate(await response.Content.ReadAsStringAsync(ct))}");
        }
    }
}
