using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>Behind a proxy, so each test request can say which address it comes from.</summary>
public sealed class ProxiedClockFactory : ClockFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:BehindProxy", "true");
    }
}

public sealed class CommentIpLimitTests(ProxiedClockFactory factory) : IClassFixture<ProxiedClockFactory>
{
    [Fact]
    public async Task Comments_from_one_address_are_limited_across_accounts_and_the_address_is_stored_hashed()
    {
        await factory.SetRulesAsync(r => r.MaxCommentsPerHourPerIp = 3);
        var article = await factory.CreateArticleAsync();
        var address = $"203.0.113.{Random.Shared.Next(1, 250)}";
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var reader = await factory.ClientAsync(Roles.Reader);
            reader.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            ids.Add(await reader.PostAcceptedAsync(article, $"From the same cafe {i} {Guid.NewGuid()}"));
        }
        var fourth = await factory.ClientAsync(Roles.Reader);
        fourth.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        var typed = "One too many " + Guid.NewGuid();
        var refused = await fourth.PostCommentAsync(article, typed);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("from your network", html);
        Assert.Contains(typed, html);

        // Another address is not affected.
        var elsewhere = await factory.ClientAsync(Roles.Reader);
        elsewhere.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        await elsewhere.PostAcceptedAsync(article, "From home " + Guid.NewGuid());

        var stored = await factory.CommentAsync(ids[0]);
        Assert.Equal(await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentPosting>().HashIpAsync(address)), stored.IpHash);
        Assert.NotEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(address)))[..32], stored.IpHash);
        Assert.DoesNotContain(address, stored.IpHash);
        await factory.SetRulesAsync(r => r.MaxCommentsPerHourPerIp = 30);
    }
}
