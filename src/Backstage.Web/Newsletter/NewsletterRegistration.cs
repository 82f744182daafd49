namespace Backstage.Web.Newsletter;

public static class NewsletterRegistration
{
    /// <summary>Newsletter lists, double opt-in subscribing and one-click unsubscribing. Config: Backstage:Newsletter.</summary>
    public static void AddBackstageNewsletter(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Subscriptions>();
    }

    /// <summary>The endpoints a mail client calls without a page: RFC 8058 one-click unsubscribe.</summary>
    public static void MapNewsletter(this WebApplication app)
    {
        app.MapPost("/newsletter/unsubscribe", OneClickUnsubscribe.HandleAsync).AllowAnonymous().DisableAntiforgery();
    }
}
