using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Backstage.Web.Tests.Foundation;

/// <summary>
/// Input-bound numbers out of range (issue 9, item 9): each answers 400 or 404 with the styled error page, and is
/// logged as a warning, never as an error (which would page someone at night for a stranger's typo).
/// </summary>
public sealed class BadRequestTests(LoggingFactory factory) : IClassFixture<LoggingFactory>
{
    [Theory]
    [InlineData("/?p=178956972")]            // (p - 1) × 12 overflowed into a negative OFFSET: 500
    [InlineData("/?p=0")]
    [InlineData("/?p=-5")]
    [InlineData("/?p=abc")]
    [InlineData("/?p=99999999999")]          // past Int32
    [InlineData("/?p=5000")]                 // in range, past the last story
    [InlineData("/media/1/")]                // no spec: 500
    [InlineData("/media/99999999999/w320.jpg")]
    [InlineData("/shows/x/photos/99999999999")]
    [InlineData("/comments/99999999999999999999/edit")]
    [InlineData("/errors/99999999999")]
    [InlineData("/photos/-1")]
    public async Task Out_of_range_numbers_answer_400_or_404_and_log_no_error(string url)
    {
        var response = await factory.Anonymous().GetAsync(url);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
        Assert.Contains("<main", await response.Content.ReadAsStringAsync()); // the styled error page
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("/admin/audit?before=99999999999999999999")]
    [InlineData("/admin/audit?comment=abc")]
    [InlineData("/moderation?article=99999999999")]
    public async Task Staff_filters_refuse_numbers_that_do_not_fit_with_400(string url)
    {
        var admin = await factory.ClientAsync(Roles.Admin);

        var response = await admin.Http.GetAsync(url);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} answered {(int)response.StatusCode}");
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("bad input", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
