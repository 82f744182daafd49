using Backstage.Web.Jobs;

namespace Backstage.Web.Newsletter;

public static class NewsletterRegistration
{
    /// <summary>Newsletter lists, double opt-in subscribing, composing, sending and one-click unsubscribing. Config: Backstage:Newsletter.</summary>
    public static void AddBackstageNewsletter(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<NewsletterOptions>().BindConfiguration(NewsletterOptions.Section)
            .Validate(o => o.MessagesPerMinute >= 1, $"{NewsletterOptions.Section}:MessagesPerMinute must be at least 1.")
            .Validate(o => o.BounceLimit >= 1, $"{NewsletterOptions.Section}:BounceLimit must be at least 1.")
            .Validate(o => o.MaxAttemptsPerMessage >= 1, $"{NewsletterOptions.Section}:MaxAttemptsPerMessage must be at least 1.")
            .ValidateOnStart();
        s.AddScoped<Subscriptions>();
        s.AddScoped<ListChoices>();
        s.AddSingleton<SubscriberLinks>();
        s.AddSingleton<EmailRenderer>();
        s.AddSingleton<NewsletterSendHook>();
        s.AddScoped<IssueContent>();
        s.AddScoped<IssueMessages>();
        s.AddScoped<NewsletterDesk>();
        s.AddScoped<IJobHandler, NewsletterSendHandler>();
        s.AddScoped<IJobHandler, NewsletterTestHandler>();
    }

    /// <summary>The endpoints a mail client calls without a page: RFC 8058 one-click unsubscribe.</summary>
    public static void MapNewsletter(this WebApplication app)
    {
        app.MapPost("/newsletter/unsubscribe", OneClickUnsubscribe.HandleAsync).AllowAnonymous().DisableAntiforgery();
        // A client that opens the List-Unsubscribe URL in a browser instead of POSTing gets the page with the button.
        app.MapGet("/newsletter/unsubscribe", (HttpContext http) =>
            Results.Redirect(SubscriberLinks.UnsubscribePath(http.Request.Query["token"].ToString()))).AllowAnonymous();
    }
}
