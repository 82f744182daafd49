using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Newsletter;

/// <summary>
/// The links every newsletter message carries for its subscriber: one-click unsubscribe (RFC 8058), the visible
/// "Unsubscribe" page, "Manage or delete your subscription" and "View in your browser". The subscriber's token is signed
/// with data protection (keys in the database, so any node reads any node's links) and never expires, so the link in
/// last year's issue still works; the database holds nothing that would hand out a working link. Absolute URLs from
/// Backstage:PublicBaseUrl only.
/// </summary>
public sealed class SubscriberLinks(IDataProtectionProvider protection, IOptions<BackstageOptions> site)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Backstage.Newsletter.Subscriber.v1");

    /// <summary>"/shows/x" → "https://site/shows/x"; an absolute http(s) URL (a CDN's media URL) passes unchanged.</summary>
    public string Absolute(string path) => site.Value.Link(path);

    public string Token(long subscriberId) => _protector.Protect("s:" + subscriberId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The subscriber a token from <see cref="Token"/> names; null for anything else (a confirm token, a forgery).</summary>
    public long? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1000) return null;
        try
        {
            var text = _protector.Unprotect(token);
            return text.StartsWith("s:", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The RFC 8058 one-click URL for the List-Unsubscribe header (POST only).</summary>
    public string OneClickUrl(string token) => Absolute("/newsletter/unsubscribe?token=" + Uri.EscapeDataString(token));

    /// <summary>The visible "Unsubscribe" link: a page with one button.</summary>
    public string UnsubscribeUrl(string token) => Absolute(UnsubscribePath(token));

    public static string UnsubscribePath(string token) => "/newsletter/leave?token=" + Uri.EscapeDataString(token);

    /// <summary>"Manage or delete your subscription".</summary>
    public string ManageUrl(string token) => Absolute(ManagePath(token));

    public static string ManagePath(string token) => "/newsletter/manage?token=" + Uri.EscapeDataString(token);

    /// <summary>The public web version of a sent issue.</summary>
    public string WebVersionUrl(string slug) => Absolute(WebVersionPath(slug));

    public static string WebVersionPath(string slug) => "/newsletter/" + Uri.EscapeDataString(slug);
}
