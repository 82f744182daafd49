using System.Security.Claims;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Accounts;

/// <summary>
/// Claims recomputed from the database on every request (the security-stamp check rebuilds the principal), so confirming
/// an address or turning on two-factor sign-in takes effect at once without a database read in each page.
/// </summary>
public static class AccountClaims
{
    public const string EmailConfirmed = "backstage:email-confirmed";
    public const string TwoFactor = "backstage:two-factor";
    /// <summary>The staff rule's verdict (<see cref="Roles.IsStaff"/>).</summary>
    public const string Staff = "backstage:staff";
}

public sealed class AccountClaimsFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options,
    IOptions<AccountOptions> accounts)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.EmailConfirmed) identity.AddClaim(new Claim(AccountClaims.EmailConfirmed, "true"));
        if (user.TwoFactorEnabled) identity.AddClaim(new Claim(AccountClaims.TwoFactor, "true"));
        if (IsStaff(identity, user.TwoFactorEnabled, accounts.Value)) identity.AddClaim(new Claim(AccountClaims.Staff, "true"));
        return identity;
    }

    /// <summary>The staff rule: a staff role, and two-factor sign-in if <see cref="AccountOptions.RequireTwoFactorForStaff"/>.</summary>
    public static bool IsStaff(ClaimsIdentity identity, bool twoFactorEnabled, AccountOptions options) =>
        Roles.Staff.Any(r => identity.HasClaim(identity.RoleClaimType, r)) && (twoFactorEnabled || !options.RequireTwoFactorForStaff);
}

/// <summary>A banned reader cannot sign in again (the ban itself ended their sessions: see <see cref="AccountsSql"/>).</summary>
public sealed class BackstageSignInManager(UserManager<AppUser> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<AppUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes, IUserConfirmation<AppUser> confirmation,
    BackstageDbContext db)
    : SignInManager<AppUser>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) =>
        await base.CanSignInAsync(user) && !await db.Set<ReaderBan>().AnyAsync(b => b.UserId == user.Id);

    /// <summary>Every sign-in and refresh of the cookie: keeps or records the time of the last re-authentication (<see cref="RecentSignIn"/>).</summary>
    public override Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.Where(c => c.Type != RecentSignIn.ClaimType).ToList();
        if (RecentSignIn.ClaimFor(Context, user.Id) is { } recent) claims.Add(recent);
        return base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    /// <summary>Signs in after a redeemed sign-in link, or asks for the second factor exactly as a correct password would.</summary>
    public Task<SignInResult> SignInByLinkAsync(AppUser user) => SignInOrTwoFactorAsync(user, isPersistent: false, loginProvider: null, bypassTwoFactor: false);
}

/// <summary>Backstage:Accounts.</summary>
public sealed class AccountOptions
{
    public const string Section = "Backstage:Accounts";
    /// <summary>Editors and admins must turn on two-factor sign-in before the studio or admin pages open (recommended in production).</summary>
    public bool RequireTwoFactorForStaff { get; set; }
}
