using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Email;

public static class EmailRegistration
{
    /// <summary>Mail through the job queue (MailKit SMTP, or .eml files without a host). Config: Backstage:Email, Backstage:PublicBaseUrl.</summary>
    public static void AddBackstageEmail(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        var publicBase = builder.Configuration["Backstage:PublicBaseUrl"];
        // Development and tests have no public address; production must say it (the validator refuses to start otherwise).
        var fallback = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing") ? "http://localhost:5000" : "";
        s.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection(EmailOptions.Section))
            .PostConfigure(o => o.LinkBaseUrl = string.IsNullOrWhiteSpace(publicBase) ? fallback : publicBase.TrimEnd('/'))
            .ValidateOnStart();
        s.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        s.AddSingleton<MailTransport>();
        s.AddScoped<Mailer>();
        s.AddScoped<Unsubscribe>();
        s.AddScoped<IJobHandler, SendEmailHandler>();
    }
}
