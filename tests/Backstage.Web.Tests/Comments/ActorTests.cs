using System.Security.Claims;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>"Staff" is one decision: Actor.From agrees with the studio policy for every role.</summary>
public sealed class ActorTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Theory]
    [InlineData(Roles.Reader, false)]
    [InlineData(Roles.Editor, true)]
    [InlineData(Roles.Admin, true)]
    public async Task Actor_from_a_principal_is_staff_exactly_when_the_studio_policy_allows(string role, bool staff)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "u1"), new Claim(ClaimTypes.Name, "someone@example.test"), new Claim(ClaimTypes.Role, role)], "test"));

        var actor = Actor.From(user);

        Assert.Equal(new Actor("u1", "someone@example.test", staff), actor);
        var policy = await factory.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, Policies.Studio);
        Assert.Equal(staff, policy.Succeeded);
    }
}
