using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Tests.Foundation;

/// <summary>A wrong setting stops the node at start with a message naming the key, instead of failing on first use.</summary>
public sealed class OptionsValidationTests
{
    private sealed class Factory(string key, string value) : BackstageFactory
    {
        protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting(key, value);
    }

    [Theory]
    [InlineData("Backstage:Media:Storage:CacheBytes", "-1")]
    [InlineData("Backstage:Jobs:Workers", "-1")]
    [InlineData("Backstage:Media:PublicBaseUrl", "cdn.example")]
    [InlineData("Backstage:Media:MaxFileBytes", "0")]
    [InlineData("Backstage:Media:JpegQuality", "101")]
    [InlineData("Backstage:Media:QuarantineDays", "-3")]
    [InlineData("Backstage:Media:ReadyMaxWidth", "0")]
    [InlineData("Backstage:PublicCacheMinutes", "-5")]
    [InlineData("Backstage:SiteTimeZone", "Mars/Olympus_Mons")]
    [InlineData("Backstage:Cluster:PollInterval", "00:00:00")]
    [InlineData("Backstage:ForwardedHeaders:KnownProxies:0", "proxy.example")]
    [InlineData("Backstage:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    public async Task A_bad_value_stops_the_host_at_start_naming_the_key(string key, string value)
    {
        var factory = new Factory(key, value);
        await factory.InitializeAsync();
        try
        {
            var e = Assert.ThrowsAny<Exception>(() => factory.Services);
            var failures = Flatten(e).OfType<OptionsValidationException>().SelectMany(v => v.Failures).ToList();
            Assert.Contains(failures, f => f.Contains(key, StringComparison.Ordinal));
        }
        finally { await factory.DisposeAsync(); }
    }

    [Fact]
    public async Task Good_values_start_the_host()
    {
        var factory = new Factory("Backstage:Media:PublicBaseUrl", "https://cdn.example/media-root/");
        await factory.InitializeAsync();
        try { Assert.NotNull(factory.Services.GetService(typeof(Backstage.Web.Galleries.MediaUrls))); }
        finally { await factory.DisposeAsync(); }
    }

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException a ? a.InnerExceptions.SelectMany(Flatten).Prepend(e)
        : e.InnerException is { } inner ? Flatten(inner).Prepend(e) : [e];
}
