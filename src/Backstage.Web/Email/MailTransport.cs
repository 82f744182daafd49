using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Backstage.Web.Email;

/// <summary>
/// Delivers one message: over SMTP (MailKit) when Backstage:Email:Host is set, otherwise as an .eml file in
/// &lt;DataDirectory&gt;/mail/ (written to a temp name, then renamed, so a reader never sees half a file).
/// </summary>
public sealed class MailTransport(IOptions<EmailOptions> options, IOptions<BackstageOptions> site)
{
    public string MailFolder => Path.Combine(site.Value.DataDirectory, "mail");

    public async Task DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Host))
        {
            Directory.CreateDirectory(MailFolder);
            var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{(message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0]}.eml";
            var temp = Path.Combine(MailFolder, "." + name + ".tmp");
            await message.WriteToAsync(temp, ct);
            File.Move(temp, Path.Combine(MailFolder, name), overwrite: true);
            return;
        }
        using var smtp = new SmtpClient { Timeout = 30_000 };
        var security = o.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await smtp.ConnectAsync(o.Host, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.UserName)) await smtp.AuthenticateAsync(o.UserName, o.Password ?? "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}
