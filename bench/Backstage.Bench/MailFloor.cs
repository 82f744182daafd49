using System.Diagnostics;
using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Backstage.Bench;

/// <summary>
/// The newsletter send's floor: MailKit handing one pre-rendered message (an .eml the app sent) to an SMTP server in a
/// bare loop on one connection, each time to another envelope recipient; no database, no rendering, no job queue.
/// <c>mail-floor --host 127.0.0.1 --port 1025 --eml issue.eml --count 10000</c> prints
/// "RESULT messages messages/s cpu-s-per-1000 peak-rss-mb".
/// </summary>
public static class MailFloor
{
    public static async Task<int> RunAsync(string[] args)
    {
        string host = "127.0.0.1", eml = "";
        int port = 1025, count = 10_000;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--host": host = Next(); break;
                case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--eml": eml = Next(); break;
                case "--count": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use --host H --port P --eml FILE --count N");
            }
        }
        var message = await MimeMessage.LoadAsync(eml);
        var from = message.From.Mailboxes.First();
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(host, port, SecureSocketOptions.None);
        var me = Process.GetCurrentProcess();
        var cpu0 = me.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await smtp.SendAsync(message, from, [MailboxAddress.Parse($"floor-{i}@example.test")]);
        clock.Stop();
        await smtp.DisconnectAsync(true);
        me.Refresh();
        var cpu = (me.TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {count} {count / clock.Elapsed.TotalSeconds:0.0} {cpu / count * 1000:0.00} {me.PeakWorkingSet64 / 1024.0 / 1024.0:0}"));
        return 0;
    }
}
