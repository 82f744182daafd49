using System.Net;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Hosting;

/// <summary>
/// Backstage:ForwardedHeaders: the reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed (only with
/// Backstage:BehindProxy on). A request from any other peer keeps its own address, whatever headers it sends, so a
/// client that reaches a node directly cannot pick the address the throttles count. Unset lists mean loopback only;
/// docker-compose.yml names its own network.
/// </summary>
public sealed class TrustedProxiesOptions
{
    public const string Section = "Backstage:ForwardedHeaders";
    public static readonly string[] Loopback = ["127.0.0.1", "::1"];

    /// <summary>Single addresses, e.g. <c>10.0.0.5</c>. Empty (unset): 127.0.0.1 and ::1.</summary>
    public string[] KnownProxies { get; set; } = [];
    /// <summary>CIDR networks, e.g. <c>172.16.0.0/12</c> (docker's default bridge and compose networks).</summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<string> EffectiveProxies => KnownProxies.Length == 0 && KnownNetworks.Length == 0 ? Loopback : KnownProxies;
}

internal sealed class TrustedProxiesValidation : IValidateOptions<TrustedProxiesOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxiesOptions o)
    {
        var errors = new List<string>();
        for (var i = 0; i < o.KnownProxies.Length; i++)
            if (!IPAddress.TryParse(o.KnownProxies[i].Trim(), out _))
                errors.Add($"{TrustedProxiesOptions.Section}:KnownProxies:{i} = '{o.KnownProxies[i]}' is not an IP address (e.g. 10.0.0.5 or ::1).");
        for (var i = 0; i < o.KnownNetworks.Length; i++)
            if (!IPNetwork.TryParse(o.KnownNetworks[i].Trim(), out _))
                errors.Add($"{TrustedProxiesOptions.Section}:KnownNetworks:{i} = '{o.KnownNetworks[i]}' is not a network in CIDR form (e.g. 172.16.0.0/12).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
