using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Membership;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>"Staff" is one decision: Actor.From agrees with the studio policy for every role (principals built by the
/// app's own claims factory, as each request's are).</summary>
public sealed class ActorTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Theory]
    [InlineData(Roles.Reader, false)]
    [InlineData(Roles.Editor, true)]
    [InlineData(Roles.Admin, true)]
    public async Task Actor_from_a_principal_is_staff_exactly_when_the_studio_policy_allows(string role, bool staff)
    {
        var (actor, policy) = await StaffRule.JudgeAsync(factory, await factory.CreateUserAsync(role));
        Assert.Equal(staff, actor.IsStaff);
        Assert.Equal(staff, policy);
    }
}

/// <summary>With two-factor sign-in required, an editor without it is not staff anywhere (the studio, the comment hold,
/// Actor), and becomes staff everywhere once it is on.</summary>
public sealed class StaffRuleTests(RequiredTwoFactorFactory factory) : IClassFixture<RequiredTwoFactorFactory>
{
    [Fact]
    public async Task Two_factor_is_part_of_being_staff_when_it_is_required()
    {
        var id = await factory.CreateUserAsync(Roles.Editor);
        var (before, policyBefore) = await StaffRule.JudgeAsync(factory, id);
        Assert.False(policyBefore);
        Assert.False(before.IsStaff); // the first-comment hold and every other Actor check agree with the studio

        await factory.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            return await users.SetTwoFactorEnabledAsync((await users.FindByEmailAsync(id))!, true);
        });
        var (after, policyAfter) = await StaffRule.JudgeAsync(factory, id);
        Assert.True(policyAfter);
        Assert.True(after.IsStaff);
    }
}

internal static class StaffRule
{
    public static Task<(Actor Actor, bool Policy)> JudgeAsync(BackstageFactory factory, string email) => factory.WithScopeAsync(async sp =>
    {
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var principal = await sp.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync((await users.FindByEmailAsync(email))!);
        var policy = await sp.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, Policies.Studio);
        return (Actor.From(principal), policy.Succeeded);
    });
}
