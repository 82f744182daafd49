using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Backstage.Web.Email;

public enum MailTopic { Replies, ModerationDigest, RightsDigest }

/// <summary>
/// Signed unsubscribe tokens (data protection, whose keys are in the database, so any node can read any node's token).
/// They need no sign-in and do not expire: an old notification's link must still work.
/// </summary>
public sealed class Unsubscribe(IDataProtectionProvider protection, Mailer mailer)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Backstage.Email.Unsubscribe.v1");

    public string Url(string userId, MailTopic topic) =>
        mailer.Link("/account/unsubscribe?token=" + Uri.EscapeDataString(_protector.Protect($"{(int)topic}:{userId}")));

    public (string UserId, MailTopic Topic)? Read(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var text = _protector.Unprotect(token);
            var colon = text.IndexOf(':');
            return colon > 0 && int.TryParse(text[..colon], out var t) && Enum.IsDefined((MailTopic)t) ? (text[(colon + 1)..], (MailTopic)t) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static string Describe(MailTopic topic) => topic switch
    {
        MailTopic.Replies => "replies to your comments",
        MailTopic.RightsDigest => "the daily list of expiring photo licences",
        _ => "the daily moderation digest",
    };
}
