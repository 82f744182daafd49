using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Reader;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

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
        // Global (MvcOptions) rather than a page convention: conventions on "/" leave out the Studio and Admin areas.
        builder.Services.Configure<MvcOptions>(o => o.Filters.Add<BadInputFilter>());
        builder.Services.AddRouting(o => o.LowercaseUrls = true);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "backstage.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddOptions<TrustedProxiesOptions>().BindConfiguration(TrustedProxiesOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TrustedProxiesOptions>, TrustedProxiesValidation>();
        // Forwarded headers count only from the configured proxies: from any other peer they are ignored.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxiesOptions>>((o, trusted) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var a in trusted.Value.EffectiveProxies) o.KnownProxies.Add(IPAddress.Parse(a.Trim()));
            foreach (var n in trusted.Value.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n.Trim()));
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddOutputCache();
    }

    public static void UseBackstageWeb(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<BackstageOptions>>().Value.BehindProxy) app.UseForwardedHeaders();
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
                // /favicon.ico without a fingerprint (browsers and feed readers ask for it by that name): a week.
                else if (ctx.Context.Request.Path.StartsWithSegments("/favicon.ico"))
                    ctx.Context.Response.Headers.CacheControl = "public, max-age=604800";
            },
        });
        app.UseRouting();
        // A URL no endpoint matches is 404 (the styled page, by re-execution) for everyone, before authentication and
        // authorization: otherwise the fallback policy would send anonymous visitors of /wp-admin to the sign-in page.
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is not null) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapRazorPages();
    }
}
