using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Backstage.Web.Accounts;

/// <summary>
/// OWASP's "device cookies": a browser that has signed in to an account gets a cookie, signed and encrypted with the
/// data-protection keys (shared by every node), naming that account and a random device id. Sign-in failures from a
/// browser with a valid device cookie for the typed account count against that device's own allowance
/// (<see cref="ThrottleRule.SignInPerDevice"/>, in PostgreSQL), not against its network's or the account's, so a crowd
/// or an attacker behind the same venue NAT cannot lock the desk out. Browsers without one keep the per-address and
/// per-account limits. The cookie grants nothing else: the password is still checked.
/// </summary>
public sealed class DeviceCookies(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "backstage.device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private readonly IDataProtector _protector = protection.CreateProtector("Backstage.Accounts.DeviceCookie.v1");

    /// <summary>The device id of this browser's cookie when it is valid and names <paramref name="user"/>; otherwise null.</summary>
    public string? DeviceFor(HttpRequest request, AppUser? user)
    {
        if (user is null || !request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            var parts = _protector.Unprotect(value).Split('|');
            if (parts.Length != 3 || parts[0] != user.Id || !long.TryParse(parts[2], out var issued)) return null;
            return DateTimeOffset.FromUnixTimeSeconds(issued) + Lifetime > clock.GetUtcNow() ? parts[1] : null;
        }
        catch (CryptographicException) { return null; } // altered, forged or made with keys this site never had
    }

    /// <summary>After a successful sign-in: a fresh device cookie for this browser and account.</summary>
    public void Issue(HttpResponse response, AppUser user)
    {
        var device = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var payload = $"{user.Id}|{device}|{clock.GetUtcNow().ToUnixTimeSeconds()}";
        response.Cookies.Append(CookieName, _protector.Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            IsEssential = true,
            Path = "/account",
            MaxAge = Lifetime,
        });
    }
}
