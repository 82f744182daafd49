using Backstage.Web.Data;
using Backstage.Web.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Backstage.Web.Newsletter;

/// <summary>
/// Renders an issue (content re-read under the public rules each time) and builds its messages. One rendering serves a
/// whole batch: the subscriber's signed token is the only part that differs, so it is written as a placeholder and
/// swapped per message.
/// </summary>
public sealed class IssueMessages(BackstageDbContext db, IssueContent content, EmailRenderer renderer, SubscriberLinks links, IOptions<EmailOptions> email, IOptions<BackstageOptions> site)
{
    /// <summary>Stands for the subscriber's token in a batch's rendering (survives URL and HTML encoding unchanged).</summary>
    public const string TokenPlaceholder = "BACKSTAGE-SUBSCRIBER-TOKEN-PLACEHOLDER";

    /// <summary>The rendering every subscriber of a batch shares, plus what the public rules left out.</summary>
    public sealed record Template(NewsletterIssue Issue, RenderedIssue Rendered, IssueStories Content);

    /// <summary>For mail: with the recipient's links (as placeholders) and, once the issue has its address, "View in your browser".</summary>
    public async Task<Template> ForMailAsync(NewsletterIssue issue, CancellationToken ct)
    {
        var stories = await content.LoadAsync(issue.Id, ct);
        var rendered = await renderer.RenderAsync(issue.Subject, issue.IntroMarkdown, stories, links.Absolute("").TrimEnd('/'), links.WebVersionUrl(issue.Slug),
            new RecipientLinks(links.UnsubscribeUrl(TokenPlaceholder), links.ManageUrl(TokenPlaceholder)), await ListNamesAsync(issue.Id, ct), ct);
        return new Template(issue, rendered, stories);
    }

    /// <summary>The public web version: no recipient links, no "View in your browser".</summary>
    public async Task<RenderedIssue> ForWebAsync(NewsletterIssue issue, CancellationToken ct) =>
        await renderer.RenderAsync(issue.Subject, issue.IntroMarkdown, await content.LoadAsync(issue.Id, ct), links.Absolute("").TrimEnd('/'), null, null, [], ct);

    /// <summary>
    /// The size a subscriber's message will have: the template with a real-length token in place of the placeholder
    /// (what the studio warns and refuses on).
    /// </summary>
    public int SizeFor(Template t) =>
        t.Rendered.HtmlBytes + CountOf(t.Rendered.Html, TokenPlaceholder) * (links.Token(long.MaxValue).Length - TokenPlaceholder.Length);

    public Task<List<string>> ListNamesAsync(long issueId, CancellationToken ct) =>
        db.Set<NewsletterIssueList>().Where(x => x.IssueId == issueId)
            .Join(db.Set<NewsletterList>(), x => x.ListId, l => l.Id, (x, l) => l)
            .OrderBy(l => l.SortOrder).Select(l => l.Name).ToListAsync(ct);

    /// <summary>
    /// One subscriber's message: multipart/alternative (plain text first, then the HTML), List-Unsubscribe with the HTTPS
    /// one-click URL and List-Unsubscribe-Post (RFC 8058), List-Id, and a Message-Id fixed per (issue, subscriber), so a
    /// receiving server or client can fold a duplicate.
    /// </summary>
    public MimeMessage Build(Template t, string toAddress, string token, string messageKey)
    {
        var o = email.Value;
        var host = new Uri(site.Value.LinkBase).Host;
        var escaped = Uri.EscapeDataString(token);
        var message = new MimeMessage { Subject = t.Issue.Subject, MessageId = $"{messageKey}@{host}" };
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(MailboxAddress.Parse(toAddress));
        message.Headers.Add("List-Unsubscribe", $"<{links.OneClickUrl(token)}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("List-Id", $"Backstage newsletter <newsletter.{host}>");
        var body = new BodyBuilder
        {
            TextBody = t.Rendered.Text.Replace(TokenPlaceholder, escaped, StringComparison.Ordinal),
            HtmlBody = t.Rendered.Html.Replace(TokenPlaceholder, escaped, StringComparison.Ordinal),
        };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static int CountOf(string s, string what)
    {
        int n = 0, i = 0;
        while ((i = s.IndexOf(what, i, StringComparison.Ordinal)) >= 0) { n++; i += what.Length; }
        return n;
    }
}
