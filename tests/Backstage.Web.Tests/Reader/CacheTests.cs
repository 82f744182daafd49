using System.Net;
using System.Net.Http.Headers;
using Backstage.Web.Tests.Infrastructure;
using System.Security.Claims;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Reader;

/// <summary>
/// Public pages come from the output cache for anonymous readers (the middleware marks those with an Age header),
/// and every change readers can see is visible on the very next request.
/// </summary>
public sealed class CacheTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private async Task<(HttpStatusCode Status, string Html, bool FromCache)> AnonymousGetAsync(string url)
    {
        var response = await factory.Anonymous().GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Age is not null);
    }

    private static int IdFrom(HttpResponseMessage redirect) =>
        int.Parse(redirect.Headers.Location!.OriginalString.Split('?')[0].TrimEnd('/').Split('/')[^1]);

    [Fact]
    public async Task Anonymous_readers_get_cached_pages_signed_in_readers_never_do()
    {
        var article = await factory.ArticleAsync($"Cached {ReaderData.Word()}");
        var first = await AnonymousGetAsync($"/articles/{article.Slug}");
        var second = await AnonymousGetAsync($"/articles/{article.Slug}");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(second.FromCache, "the second anonymous request should be served from the output cache");
        Assert.Equal(first.Html, second.Html);

        var reader = await factory.ClientAsync(Accounts.Roles.Reader);
        for (var i = 0; i < 2; i++)
        {
            var response = await reader.Http.GetAsync($"/articles/{article.Slug}");
            Assert.Null(response.Headers.Age);
            Assert.Contains(reader.Email!, await response.Content.ReadAsStringAsync());
        }
        // …and what they saw was not stored for anonymous readers either.
        Assert.DoesNotContain(reader.Email!, (await AnonymousGetAsync($"/articles/{article.Slug}")).Html);
    }

    [Fact]
    public async Task Tracking_parameters_from_social_apps_share_one_cache_entry_but_the_page_number_does_not()
    {
        var article = await factory.ArticleAsync($"Shared {ReaderData.Word()}");
        var fromInstagram = await AnonymousGetAsync($"/articles/{article.Slug}?utm_source=instagram&igshid=a1");
        var fromFacebook = await AnonymousGetAsync($"/articles/{article.Slug}?fbclid=IwAR{ReaderData.Word()}");
        Assert.Equal(HttpStatusCode.OK, fromInstagram.Status);
        Assert.True(fromFacebook.FromCache, "a click with other tracking parameters is the same page");

        await AnonymousGetAsync("/");
        Assert.True((await AnonymousGetAsync("/?utm_campaign=fw25")).FromCache);
        Assert.False((await AnonymousGetAsync("/?p=2")).FromCache, "page 2 is another page");
    }

    [Fact]
    public async Task Publish_edit_and_unpublish_are_visible_at_once()
    {
        var editor = await factory.ClientAsync(Accounts.Roles.Editor);
        var title = $"Fresh {ReaderData.Word()}";
        Assert.DoesNotContain(title, (await AnonymousGetAsync("/")).Html);
        Assert.True((await AnonymousGetAsync("/")).FromCache);

        var created = await editor.PostActionAsync("/studio/articles/edit", "publish", ("Input.Title", title), ("Input.Body", "Words."));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = IdFrom(created);
        var slug = await factory.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Id == id).Slug));
        Assert.Contains(title, (await AnonymousGetAsync("/")).Html);
        Assert.Contains(title, (await AnonymousGetAsync($"/articles/{slug}")).Html);
        Assert.True((await AnonymousGetAsync($"/articles/{slug}")).FromCache);

        var version = await factory.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Id == id).Version));
        var edited = await editor.PostActionAsync($"/studio/articles/edit/{id}", "save", ("Input.Title", title + " edited"), ("Input.Slug", slug),
            ("Input.Body", "New words."), ("Input.Version", version.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Contains(title + " edited", (await AnonymousGetAsync($"/articles/{slug}")).Html);
        Assert.Contains(title + " edited", (await AnonymousGetAsync("/")).Html);

        version = await factory.WithDbAsync(db => Task.FromResult(db.Articles.Single(a => a.Id == id).Version));
        var unpublished = await editor.PostActionAsync($"/studio/articles/edit/{id}", "unpublish", ("Input.Title", title + " edited"), ("Input.Slug", slug),
            ("Input.Body", "New words."), ("Input.Version", version.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, unpublished.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AnonymousGetAsync($"/articles/{slug}")).Status);
        Assert.DoesNotContain(title, (await AnonymousGetAsync("/")).Html);
    }

    [Fact]
    public async Task Show_edits_are_visible_at_once()
    {
        var show = await factory.ShowAsync($"Cache Designer {ReaderData.Word()}", "Old description.");
        Assert.Contains("Old description.", (await AnonymousGetAsync($"/shows/{show.Slug}")).Html);
        Assert.True((await AnonymousGetAsync($"/shows/{show.Slug}")).FromCache);

        var editor = await factory.ClientAsync(Accounts.Roles.Editor);
        var saved = await editor.PostFormAsync($"/studio/shows/edit/{show.Id}", ("Input.Designer", show.Designer), ("Input.Season", show.Season),
            ("Input.City", show.City), ("Input.Date", "2025-03-04"), ("Input.Slug", show.Slug), ("Input.Description", "New description."),
            ("Input.Version", show.Version.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var page = await AnonymousGetAsync($"/shows/{show.Slug}");
        Assert.Contains("New description.", page.Html);
        Assert.Contains(show.Designer, (await AnonymousGetAsync("/shows")).Html);
    }

    [Fact]
    public async Task A_scheduled_article_appears_by_itself_when_its_time_comes()
    {
        var editor = await factory.ClientAsync(Accounts.Roles.Editor);
        var title = $"Scheduled {ReaderData.Word()}";
        var time = factory.Services.GetRequiredService<SiteTime>();
        // Whole seconds in the site's time zone, two to three seconds ahead.
        var local = time.ToLocal(DateTimeOffset.UtcNow.AddSeconds(3));
        local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerSecond));
        var scheduled = await editor.PostActionAsync("/studio/articles/edit", "schedule", ("Input.Title", title), ("Input.Body", "Soon."),
            ("Input.PublishAtLocal", local.ToString("yyyy-MM-ddTHH:mm:ss")));
        Assert.Equal(HttpStatusCode.Redirect, scheduled.StatusCode);

        // Before its time: not listed, and the home page is being served from the cache (so only eviction or the
        // capped lifetime can make it appear).
        var before = await AnonymousGetAsync("/");
        Assert.DoesNotContain(title, before.Html);
        var cached = await AnonymousGetAsync("/");
        if (!cached.Html.Contains(title)) Assert.True(cached.FromCache);

        var appeared = false;
        for (var i = 0; i < 120 && !appeared; i++) // polls for up to a minute; normally done in about 3 s
        {
            await Task.Delay(500);
            appeared = (await AnonymousGetAsync("/")).Html.Contains(title);
        }
        Assert.True(appeared, "the scheduled article never appeared on the cached home page");
    }

    [Fact]
    public async Task Pages_and_static_files_are_compressed_for_clients_that_accept_it()
    {
        var client = factory.Anonymous();
        foreach (var (url, encoding) in new[] { ("/", "br"), ("/shows", "gzip"), ("/css/site.css", "br") })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        }
    }

    [Theory]
    [InlineData("Set-Cookie", "backstage.af=token; path=/")]
    [InlineData("Cache-Control", "no-cache, no-store")] // what antiforgery sets whenever a form token was rendered
    public async Task Responses_with_cookies_or_form_tokens_are_never_stored(string header, string value)
    {
        var policy = (IOutputCachePolicy)factory.Services.GetRequiredService<PublicPageCachePolicy>();
        var plain = await DecideAsync(policy, _ => { });
        Assert.True(plain.AllowCacheStorage);
        var marked = await DecideAsync(policy, r => r.Headers[header] = value);
        Assert.False(marked.AllowCacheStorage);
    }

    [Fact]
    public async Task Signed_in_requests_never_look_up_or_store()
    {
        var policy = (IOutputCachePolicy)factory.Services.GetRequiredService<PublicPageCachePolicy>();
        var http = new DefaultHttpContext { RequestServices = factory.Services };
        http.Request.Method = "GET";
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone")], "cookie"));
        var context = new OutputCacheContext { HttpContext = http };
        await policy.CacheRequestAsync(context, default);
        Assert.False(context.AllowCacheLookup);
        Assert.False(context.AllowCacheStorage);
    }

    private async Task<OutputCacheContext> DecideAsync(IOutputCachePolicy policy, Action<HttpResponse> respond)
    {
        var http = new DefaultHttpContext { RequestServices = factory.Services };
        http.Request.Method = "GET";
        var context = new OutputCacheContext { HttpContext = http };
        await policy.CacheRequestAsync(context, default);
        Assert.True(context.AllowCacheLookup);
        http.Response.StatusCode = 200;
        respond(http.Response);
        await policy.ServeResponseAsync(context, default);
        return context;
    }
}
