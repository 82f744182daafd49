using Backstage.Web.Data;
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
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<BackstageDbContext>()
            .AddDefaultTokenProviders();

        // OWASP's 2023 figure for PBKDF2-HMAC-SHA512; the framework default is 100,000.
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);
        // Removing a role or banning someone takes effect on their next request.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

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
            // A signed-in user without the role gets a real 403 (rendered by the status code page), not a redirect.
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        builder.Services.AddAuthorizationBuilder()
            // Deny by default: every endpoint needs a signed-in user unless it opts out with [AllowAnonymous].
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Studio, p => p.RequireRole(Roles.Staff))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
    }
}
