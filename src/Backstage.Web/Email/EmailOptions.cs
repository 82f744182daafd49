using MimeKit;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Email;

public enum SmtpSecurity { None, StartTls, SslOnConnect }

/// <summary>Bound from "Backstage:Email". No Host: messages are written as .eml files to &lt;DataDirectory&gt;/mail/.</summary>
public sealed class EmailOptions
{
    public const string Section = "Backstage:Email";
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "backstage@localhost";
    public string FromName { get; set; } = "Backstage";
}

/// <summary>Checked at start-up, so a typo in the mail settings stops the deploy instead of silently dropping mail.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions o)
    {
        var errors = new List<string>();
        if (!MailboxAddress.TryParse(o.From, out _) || !o.From.Contains('@'))
            errors.Add($"Backstage:Email:From (\"{o.From}\") is not an email address.");
        if (!string.IsNullOrWhiteSpace(o.Host))
        {
            if (o.Port is < 1 or > 65535) errors.Add($"Backstage:Email:Port ({o.Port}) must be between 1 and 65535.");
            if (!string.IsNullOrEmpty(o.UserName) && string.IsNullOrEmpty(o.Password))
                errors.Add("Backstage:Email:UserName is set without Backstage:Email:Password.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
