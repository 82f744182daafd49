using System.Net;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests;

public sealed class SmokeTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task Home_page_answers_with_security_headers()
    {
        var response = await factory.Anonymous().GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("object-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
