using System.Net;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;

namespace Backstage.Web.Tests.Foundation;

/// <summary>
/// Issue 9, item 10: the Host header was reflected into Location, canonical links, og:url and the sitemap. The site
/// now answers only to the host of Backstage:PublicBaseUrl, builds every absolute URL from it, and refuses to start
/// outside Development without it.
/// </summary>
public sealed class PublicOriginTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/sitemap.xml")]
    [InlineData("/feed.xml")]
    [InlineData("/studio")]            // the sign-in redirect's Location
    [InlineData("/account/login")]
    public async Task A_forged_host_header_is_refused_and_never_reflected(string url)
    {
        var article = await factory.ArticleAsync("Host " + ReaderData.Word());
        foreach (var path in new[] { url, $"/articles/{article.Slug}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";

            var response = await factory.Anonymous().SendAsync(request);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("evil.example", response.Headers.Location?.ToString() ?? "");
            Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_configured_host_is_served_with_links_built_from_the_public_base_url()
    {
        var response = await factory.Anonymous().GetAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<loc>http://localhost/</loc>", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("", "Backstage__PublicBaseUrl")]
    [InlineData("backstage.example/path", "must be an http(s) address")]
    public async Task Production_without_a_valid_public_base_url_exits_with_one_clear_message(string value, string expected)
    {
        var (exitCode, stderr) = await AppProcess.RunAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Backstage"] = factory.ConnectionString, ["Backstage__PublicBaseUrl"] = value });

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
