using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Email;

public static class EmailRegistration
{
    /// <summary>Mail through the job queue (MailKit SMTP, or .eml files without a host). Config: Backstage:Email; links from BackstageOptions.LinkBase.</summary>
    public static void AddBackstageEmail(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        s.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        s.AddSingleton<MailTransport>();
        s.AddScoped<Mailer>();
        s.AddScoped<Unsubscribe>();
        s.AddScoped<IJobHandler, SendEmailHandler>();
    }
}
