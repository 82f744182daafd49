using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>
/// The TCP peer a request comes from, which the in-memory test server leaves empty: 127.0.0.1 (a proxy on the same
/// machine) unless the request names another with <see cref="Header"/>, which is removed before the app sees it.
/// </summary>
public sealed class TestPeer : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress = context.Request.Headers.Remove(Header, out var peer) ? IPAddress.Parse(peer.ToString()) : IPAddress.Loopback;
            return following(context);
        });
        next(app);
    };
}
