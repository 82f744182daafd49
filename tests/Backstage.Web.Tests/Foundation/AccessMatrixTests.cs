using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Foundation;

/// <summary>Deny by default: every page × {anonymous, Reader, Editor, Admin}, GETs and POSTs.</summary>
public sealed class AccessMatrixTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    /// <summary>Route patterns readers may open without signing in. Anything else that allows anonymous access fails the test.</summary>
    private static readonly HashSet<string> PublicRoutes =
    [
        "", "index", "articles/{slug}", "shows", "shows/{slug}", "account/login", "account/register", "account/logout",
        "errors/{code:int}", "health/live", "health/ready",
        "media/{photoid:int}/{**spec}", // the endpoint itself 404s unless the photo is Ready in a public gallery
        "shows/{slug}/photos/{n:int}", "photos/{id:int}", "search", "feed.xml", "sitemap.xml", "robots.txt",
        // Account recovery and mail links work before signing in (each answers the same whether or not the account exists).
        "account/check-email", "account/confirm-email", "account/forgot-password", "account/login-2fa", "account/reset-password",
        "account/sign-in-link", "account/unsubscribe",
        // The newsletter needs no account: subscribing, the mailed confirmation (a POST) and RFC 8058 one-click unsubscribe.
        "newsletter/subscribe", "newsletter/confirm", "newsletter/unsubscribe",
        // The archive and each sent issue's web version; the visible "Unsubscribe" page and "Manage or delete your
        // subscription" from an issue (the signed token in the link is the authority).
        "newsletter", "newsletter/{slug}", "newsletter/leave", "newsletter/manage",
    ];

    private static string Route(RouteEndpoint e) => (e.RoutePattern.RawText ?? "").Trim('/').ToLowerInvariant();

    private static IEnumerable<RouteEndpoint> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    [Fact]
    public void Only_the_known_public_routes_allow_anonymous_access()
    {
        _ = factory.Server; // builds the app and its endpoints
        var anonymous = Endpoints(factory.Services)
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(Route)
            .Where(r => !r.StartsWith("_", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(anonymous);
        Assert.All(anonymous, route => Assert.Contains(route, PublicRoutes));
    }

    [Fact]
    public void Studio_and_admin_endpoints_carry_their_role_policy()
    {
        _ = factory.Server;
        var endpoints = Endpoints(factory.Services).ToList();
        foreach (var (prefix, policy) in new[] { ("studio", Policies.Studio), ("admin", Policies.Admin), ("moderation", Policies.Admin) })
        {
            var area = endpoints.Where(e => Route(e).StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (prefix != "moderation") Assert.NotEmpty(area);
            Assert.All(area, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == policy));
        }
    }

    public static TheoryData<string, string, string> Matrix()
    {
        // url, role ("" = anonymous), expected: ok | login | forbidden
        var data = new TheoryData<string, string, string>();
        var publicUrls = new[] { "/", "/shows", "/articles/{article}", "/shows/{show}", "/account/login", "/account/register", "/health/live" };
        var studioUrls = new[] { "/studio", "/studio/articles", "/studio/articles/edit", "/studio/articles/edit/{id}", "/studio/articles/preview/{id}", "/studio/shows", "/studio/shows/edit", "/studio/shows/edit/{showId}", "/studio/newsletters", "/studio/newsletters/edit" };
        var adminUrls = new[] { "/admin", "/admin/users" };
        foreach (var role in new[] { "", Roles.Reader, Roles.Editor, Roles.Admin })
        {
            foreach (var u in publicUrls) data.Add(u, role, "ok");
            foreach (var u in studioUrls) data.Add(u, role, role switch { "" => "login", Roles.Reader => "forbidden", _ => "ok" });
            foreach (var u in adminUrls) data.Add(u, role, role switch { "" => "login", Roles.Admin => "ok", _ => "forbidden" });
        }
        return data;
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task Every_page_answers_each_role_as_intended(string template, string role, string expected)
    {
        var (article, show) = await ContentAsync();
        var url = template.Replace("{article}", article.Slug).Replace("{id}", article.Id.ToString())
            .Replace("{show}", show.Slug).Replace("{showId}", show.Id.ToString());
        var http = role == "" ? factory.Anonymous() : (await ClientAsync(role)).Http;

        var response = await http.GetAsync(url);

        switch (expected)
        {
            case "ok": Assert.Equal(HttpStatusCode.OK, response.StatusCode); break;
            case "forbidden": Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode); break;
            default:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
                break;
        }
    }

    public static TheoryData<string, string> UnknownUrls()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in new[] { "", Roles.Reader, Roles.Admin })
            foreach (var url in new[] { "/nope", "/.git/config", "/wp-admin", "/photos/99999999999", "/studio/articles/create", "/admin/nothing-here" })
                data.Add(url, role);
        return data;
    }

    /// <summary>No endpoint, no sign-in: an unknown URL is the styled 404 for everyone (issue 9, item 8), never a
    /// redirect to the login page that tells a scanner the path is guarded.</summary>
    [Theory, MemberData(nameof(UnknownUrls))]
    public async Task Unknown_urls_answer_the_styled_404_before_authorization(string url, string role)
    {
        var http = role == "" ? factory.Anonymous() : (await ClientAsync(role)).Http;

        var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Not found</h1>", html);
    }

    [Theory]
    [InlineData("/studio/articles/edit", "")]
    [InlineData("/studio/articles/edit", "Reader")]
    [InlineData("/studio/shows/edit", "Reader")]
    [InlineData("/admin/users?handler=Create", "Editor")]
    [InlineData("/admin/users?handler=Role", "Reader")]
    public async Task Posts_to_protected_handlers_are_refused_even_with_a_valid_token(string url, string role)
    {
        var client = role == "" ? await factory.ClientAsync() : await ClientAsync(role);
        // A genuine token for this user, taken from a page they may open.
        var response = await client.PostFormAsync("/account/register", [new("Input.Title", "Sneaky"), new("userId", "x"), new("role", "Admin")], postUrl: url);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{url} as '{role}' answered {(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
        Assert.False(await factory.WithDbAsync(db => Task.FromResult(db.Articles.Any(a => a.Title == "Sneaky"))));
    }

    [Theory]
    [InlineData("/studio/articles/edit")]
    [InlineData("/studio/shows/edit")]
    [InlineData("/admin/users?handler=Create")]
    [InlineData("/account/logout")]
    public async Task Posts_without_an_antiforgery_token_are_refused(string url)
    {
        var admin = await ClientAsync(Roles.Admin);
        var response = await admin.Http.PostAsync(url, new FormUrlEncodedContent([new("Input.Title", "No token")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>An attacker's link to the sign-in page must not send the person off the site afterwards.</summary>
    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Sign_in_never_redirects_off_the_site(string returnUrl)
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var client = await factory.ClientAsync();
        var url = "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl);

        var response = await client.PostFormAsync(url, [new("Input.Email", email), new("Input.Password", BackstageFactory.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    private readonly Dictionary<string, FormClient> _clients = [];
    private async Task<FormClient> ClientAsync(string role) =>
        _clients.TryGetValue(role, out var c) ? c : _clients[role] = await factory.ClientAsync(role);

    private async Task<(Article, Show)> ContentAsync() => await factory.WithDbAsync(async db =>
    {
        var show = db.Shows.FirstOrDefault(s => s.Slug == "matrix-show");
        if (show is not null) return (db.Articles.First(a => a.Slug == "matrix-article"), show);
        show = new Show { Designer = "Matrix", Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 1), Slug = "matrix-show", Status = ShowStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        var article = new Article { Title = "Matrix", Slug = "matrix-article", Body = "Hi", Status = ArticleStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddDays(-1) };
        db.AddRange(show, article);
        await db.SaveChangesAsync();
        return (article, show);
    });
}
