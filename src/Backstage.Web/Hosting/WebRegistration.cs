using Backstage.Web.Accounts;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;

namespace Backstage.Web.Hosting;

public static class WebRegistration
{
    public static void AddBackstageWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeAreaFolder("Studio", "/", Policies.Studio);
            o.Conventions.AuthorizeAreaFolder("Admin", "/", Policies.Admin);
            // Writing, editing and reporting comments need a confirmed email address.
            o.Conventions.AuthorizeFolder("/Comments", Policies.Commenter);
        });
        builder.Services.AddRouting(o => o.LowercaseUrls = true);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "backstage.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddOutputCache();
    }

    public static void UseBackstageWeb(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Backstage:BehindProxy")) app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseExceptionHandler("/errors/500");
        app.UseStatusCodePagesWithReExecute("/errors/{0}");
        app.UseReaderCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx =>
            {
                // Fingerprinted (?v=hash via asp-append-version) files can be cached for a year.
                if (ctx.Context.Request.Query.ContainsKey("v"))
                    ctx.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            },
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapRazorPages();
    }
}
