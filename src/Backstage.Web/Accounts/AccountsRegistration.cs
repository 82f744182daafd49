using System.Security.Claims;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Backstage.Web.Accounts;

public static class AccountsRegistration
{
    public static void AddBackstageAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                // Identity's lockout now guards only the two-factor code step; password guessing is throttled per
                // address and per typed email by Throttle (same answer whether or not the account exists).
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<BackstageDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordStrength>()
            .AddClaimsPrincipalFactory<AccountClaimsFactory>()
            .AddSignInManager<BackstageSignInManager>();
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = AccountMail.TokenLifespan);

        // OWASP's 2023 figure for PBKDF2-HMAC-SHA512; the framework default is 100,000.
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);
        // Server-side revocation: every request checks the account's security stamp in the database, and sign-out,
        // password change, role change, ban and "Sign out everywhere" rotate it — so the old cookie stops working on
        // every node at once. Cost measured in docs/accounts.md.
        builder.Services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            // The rebuilt principal keeps this session's last re-authentication ("sudo mode", RecentSignIn).
            o.OnRefreshingPrincipal = c =>
            {
                if (c.CurrentPrincipal?.FindFirst(RecentSignIn.ClaimType) is { } recent && c.NewPrincipal?.Identity is ClaimsIdentity id)
                    id.AddClaim(new Claim(recent.Type, recent.Value));
                return Task.CompletedTask;
            };
        });
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateOnStart();
        builder.Services.AddScoped<Throttle>();
        builder.Services.AddScoped<SignInLinks>();
        builder.Services.AddSingleton<DeviceCookies>();
        builder.Services.AddScoped<AccountMail>();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "backstage.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/errors/403";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                var user = ctx.HttpContext.User;
                var path = ctx.Request.Path;
                // Staff without two-factor sign-in (when it is required) are sent to set it up; readers who have not
                // confirmed their address are told how to; anyone else without the role gets a real 403.
                if (StaffTwoFactor.MustSetUp(user))
                    ctx.Response.Redirect("/account/two-factor");
                else if (path.StartsWithSegments("/comments") && !user.HasClaim(AccountClaims.EmailConfirmed, "true"))
                    ctx.Response.Redirect("/account/confirm-email");
                else
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        builder.Services.AddAuthorizationBuilder()
            // Deny by default: every endpoint needs a signed-in user unless it opts out with [AllowAnonymous].
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            // Both read the one staff rule (Roles.IsStaff: a staff role, and two-factor sign-in when it is required).
            .AddPolicy(Policies.Studio, p => p.RequireClaim(AccountClaims.Staff, "true"))
            .AddPolicy(Policies.Admin, p => p.RequireClaim(AccountClaims.Staff, "true").RequireRole(Roles.Admin))
            .AddPolicy(Policies.Commenter, p => p.RequireAuthenticatedUser().RequireClaim(AccountClaims.EmailConfirmed, "true"));
    }
}

/// <summary>With Backstage:Accounts:RequireTwoFactorForStaff, an editor or admin without two-factor sign-in is sent to set it up.</summary>
public static class StaffTwoFactor
{
    /// <summary>Has a staff role but is not staff yet for want of two-factor sign-in (see <see cref="Roles.IsStaff"/>).</summary>
    public static bool MustSetUp(System.Security.Claims.ClaimsPrincipal user) => Roles.HasStaffRole(user) && !Roles.IsStaff(user);
}
