using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;

namespace Backstage.Web.Tests.Galleries;

/// <summary>
/// Issue 9, item 12: a signed-in user's request for a public rendition used to re-issue the auth cookie and say
/// no-store, so editors (and every signed-in reader) lost the year of immutable caching, and a shared cache could
/// have stored a Set-Cookie. Public media carries no cookie and keeps its caching for everyone.
/// </summary>
public sealed class MediaCachingTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.Reader)]
    public async Task Public_renditions_keep_immutable_caching_and_set_no_cookie_for_signed_in_users(string role)
    {
        var show = await factory.ShowAsync("Cache " + ReaderData.Word());
        var photo = (await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 1)).Single();
        var client = await factory.ClientAsync(role);

        foreach (var rendition in photo.Renditions.Take(3))
        {
            var response = await client.Http.GetAsync(MediaEndpoints.Url(photo.Id, rendition.Spec));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{rendition.Spec} set a cookie: {string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var v) ? v : [])}");
            Assert.False(response.Headers.Contains("Pragma"));
        }
        // Pages still renew the session as before: the cookie was not simply dropped everywhere.
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/")).StatusCode);
    }
}
