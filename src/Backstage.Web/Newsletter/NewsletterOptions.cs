namespace Backstage.Web.Newsletter;

/// <summary>Bound from "Backstage:Newsletter" and checked at start.</summary>
public sealed class NewsletterOptions
{
    public const string Section = "Backstage:Newsletter";
    /// <summary>How many messages a send hands to the mail server per minute (one batch a minute, on whichever node is free).</summary>
    public int MessagesPerMinute { get; set; } = 600;
    /// <summary>Hard bounces (SMTP 5xx for the recipient) in a row after which a subscriber is marked Bounced and not mailed again.</summary>
    public int BounceLimit { get; set; } = 3;
    /// <summary>Tries per recipient for a temporary refusal (SMTP 4xx for the recipient) before the delivery counts as failed.</summary>
    public int MaxAttemptsPerMessage { get; set; } = 5;
}
