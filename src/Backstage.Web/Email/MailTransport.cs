using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Backstage.Web.Email;

/// <summary>
/// Delivers messages: over SMTP (MailKit) when Backstage:Email:Host is set, otherwise as .eml files in
/// &lt;DataDirectory&gt;/mail/ (written to a temp name, then renamed, so a reader never sees half a file).
/// </summary>
public sealed class MailTransport(IOptions<EmailOptions> options, IOptions<BackstageOptions> site)
{
    public string MailFolder => Path.Combine(site.Value.DataDirectory, "mail");

    public async Task DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        await using var session = await OpenAsync(ct);
        await session.SendAsync(message, ct);
    }

    /// <summary>
    /// One connection for many messages (a newsletter batch). A refused recipient throws MailKit's
    /// <see cref="SmtpCommandException"/> and leaves the session usable; a dropped connection is reopened on the next send.
    /// </summary>
    public async Task<MailSession> OpenAsync(CancellationToken ct)
    {
        var session = new MailSession(options.Value, MailFolder);
        await session.ConnectAsync(ct);
        return session;
    }
}

/// <summary>An open SMTP connection (or the .eml folder without a host); dispose to say QUIT.</summary>
public sealed class MailSession : IAsyncDisposable
{
    private readonly EmailOptions _o;
    private readonly string _folder;
    private SmtpClient? _smtp;

    internal MailSession(EmailOptions o, string folder) => (_o, _folder) = (o, folder);

    private bool ToFiles => string.IsNullOrWhiteSpace(_o.Host);

    internal async Task ConnectAsync(CancellationToken ct)
    {
        if (ToFiles || _smtp is { IsConnected: true }) return;
        _smtp?.Dispose();
        _smtp = new SmtpClient { Timeout = 30_000 };
        var security = _o.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await _smtp.ConnectAsync(_o.Host!, _o.Port, security, ct);
        if (!string.IsNullOrEmpty(_o.UserName)) await _smtp.AuthenticateAsync(_o.UserName, _o.Password ?? "", ct);
    }

    /// <summary>Returns once the server accepted the message (or the file is in place).</summary>
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        if (ToFiles)
        {
            Directory.CreateDirectory(_folder);
            var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{(message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0]}.eml";
            var temp = Path.Combine(_folder, "." + name + ".tmp");
            await message.WriteToAsync(temp, ct);
            File.Move(temp, Path.Combine(_folder, name), overwrite: true);
            return;
        }
        await ConnectAsync(ct);
        await _smtp!.SendAsync(message, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is null) return;
        try
        {
            if (_smtp.IsConnected) await _smtp.DisconnectAsync(quit: true);
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or OperationCanceledException)
        {
            // The messages were accepted already; a failed QUIT loses nothing.
        }
        _smtp.Dispose();
    }
}
