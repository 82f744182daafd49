using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Backstage.Web.Articles;

namespace Backstage.Web.Newsletter;

/// <summary>The per-subscriber links of one message; the web version has none.</summary>
public sealed record RecipientLinks(string Unsubscribe, string Manage);

/// <summary>One rendered message: the HTML (CSS inlined), its plain-text alternative and the HTML's size in bytes.</summary>
public sealed record RenderedIssue(string Html, string Text, IReadOnlyList<int> PhotoIds)
{
    public int HtmlBytes { get; } = Encoding.UTF8.GetByteCount(Html);
    public bool OverWarning => HtmlBytes > EmailRenderer.WarnBytes;
    public bool OverLimit => HtmlBytes > EmailRenderer.LimitBytes;
    public string SizeText => (HtmlBytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB";
}

/// <summary>
/// The newsletter as email: a 600-pixel table layout (Outlook's Word engine ignores max-width, floats and flexbox, so every
/// column is a table cell, with a fixed-width "ghost table" for Outlook only), CSS moved into style attributes by
/// PreMailer.Net (Gmail and Outlook drop most of a &lt;style&gt; block), only a small media query kept for phones, every
/// image a JPEG with width, height and alt, every link absolute. No tracking pixel, no rewritten link.
/// </summary>
public sealed partial class EmailRenderer
{
    /// <summary>Over this the studio warns.</summary>
    public const int WarnBytes = 100 * 1024;
    /// <summary>Gmail clips a message's HTML over about 102 KB (hiding the rest, unsubscribe link included): refused.</summary>
    public const int LimitBytes = 102 * 1024;
    public const string TooBigMessage = "Gmail clips messages over about 102 KB: remove a story or photos.";
    private const int ContentWidth = 600, Gutter = 24, ThumbsPerRow = 3, ThumbGap = 8;
    public const int ThumbWidth = (ContentWidth - 2 * Gutter - (ThumbsPerRow - 1) * ThumbGap) / ThumbsPerRow;

    private const string Css = """
        body { margin: 0; padding: 0; background-color: #f4f1ec; }
        .outer { background-color: #f4f1ec; }
        .container { background-color: #ffffff; }
        td, p, h1, h2, a, li { font-family: Georgia, 'Times New Roman', serif; }
        p, li { font-size: 16px; line-height: 24px; color: #222222; margin: 0 0 12px 0; }
        .pad { padding: 0 24px; }
        .top { padding: 12px 24px; font-size: 12px; line-height: 18px; color: #666666; text-align: center; }
        .top a { color: #666666; }
        .masthead { padding: 24px 24px 8px 24px; text-align: center; font-size: 28px; line-height: 34px; letter-spacing: 2px; }
        .masthead a { color: #111111; text-decoration: none; }
        h1 { font-size: 26px; line-height: 32px; color: #111111; margin: 8px 0 16px 0; font-weight: normal; }
        h2 { font-size: 22px; line-height: 28px; color: #111111; margin: 0 0 8px 0; font-weight: normal; }
        h2 a { color: #111111; text-decoration: none; }
        a { color: #8a2b2b; }
        .story { padding: 24px 24px 8px 24px; border-top: 1px solid #e5e0d8; }
        .gallery-title { font-size: 14px; line-height: 20px; color: #555555; margin: 8px 0; text-transform: uppercase; letter-spacing: 1px; }
        .thumb { padding: 0 0 8px 0; vertical-align: top; }
        .thumb img { display: block; border: 0; outline: none; text-decoration: none; }
        .credits { font-size: 12px; line-height: 18px; color: #666666; margin: 4px 0 8px 0; }
        .more { font-size: 15px; line-height: 22px; margin: 0 0 16px 0; }
        .footer { padding: 24px; font-size: 12px; line-height: 18px; color: #666666; text-align: center; border-top: 1px solid #e5e0d8; }
        .footer p { font-size: 12px; line-height: 18px; color: #666666; }
        .footer a { color: #444444; }
        """;

    // Kept as a <style> block (PreMailer leaves it alone): phones stack the thumbnails' cells. No "height: auto" in the
    // inlined CSS above: PreMailer turns an img's CSS height into its height attribute, and height="auto" is no size.
    private const string MobileCss = """
        @media only screen and (max-width: 620px) {
          .container { width: 100% !important; }
          .thumb { display: block !important; width: 100% !important; }
          .thumb img { width: 100% !important; height: auto !important; }
        }
        """;

    private readonly MarkdownRenderer _markdown = new(new NoGalleries());

    public async Task<RenderedIssue> RenderAsync(string subject, string introMarkdown, IssueStories content, string siteUrl,
        string? webVersionUrl, RecipientLinks? recipient, IReadOnlyList<string> listNames, CancellationToken ct)
    {
        var introHtml = string.IsNullOrWhiteSpace(introMarkdown) ? "" : Absolutise((await _markdown.RenderAsync(introMarkdown, ct)).Html, siteUrl);
        var html = new StringBuilder(16 * 1024);
        var text = new StringBuilder(4 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"en\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">")
            .Append("<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"x-apple-disable-message-reformatting\"><meta name=\"color-scheme\" content=\"light\">")
            .Append("<title>").Append(E(subject)).Append("</title>")
            .Append("<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->")
            .Append("<style>").Append(Css).Append("</style><style id=\"mobile\">").Append(MobileCss).Append("</style></head><body>");
        html.Append("<table role=\"presentation\" class=\"outer\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td align=\"center\">")
            .Append("<!--[if mso]><table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->")
            .Append("<table role=\"presentation\" class=\"container\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:600px;max-width:600px\">");
        if (webVersionUrl is not null)
        {
            html.Append("<tr><td class=\"top\"><a href=\"").Append(A(webVersionUrl)).Append("\">View in your browser</a></td></tr>");
            text.Append("View in your browser: ").Append(webVersionUrl).Append("\n\n");
        }
        html.Append("<tr><td class=\"masthead\"><a href=\"").Append(A(siteUrl + "/")).Append("\">BACKSTAGE</a></td></tr>");
        html.Append("<tr><td class=\"pad\"><h1>").Append(E(subject)).Append("</h1>").Append(introHtml).Append("</td></tr>");
        text.Append("BACKSTAGE\n\n").Append(subject).Append('\n').Append(new string('=', Math.Min(subject.Length, 70))).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(introMarkdown)) text.Append(introMarkdown.Trim()).Append("\n\n");

        foreach (var story in content.Stories)
        {
            html.Append("<tr><td class=\"story\"><h2><a href=\"").Append(A(story.Url)).Append("\">").Append(E(story.Title)).Append("</a></h2>");
            text.Append(story.Title).Append('\n').Append(new string('-', Math.Min(story.Title.Length, 70))).Append('\n');
            if (!string.IsNullOrWhiteSpace(story.Summary))
            {
                html.Append("<p>").Append(E(story.Summary)).Append("</p>");
                text.Append(story.Summary.Trim()).Append('\n');
            }
            text.Append("Read it: ").Append(story.Url).Append("\n\n");
            foreach (var g in story.Galleries) Gallery(html, text, g, story.Kind == StoryKind.Article);
            if (story.Galleries.Count == 0 || story.Kind == StoryKind.Article)
                html.Append("<p class=\"more\"><a href=\"").Append(A(story.Url)).Append("\">")
                    .Append(story.Kind == StoryKind.Article ? "Read the story" : "See the show").Append("</a></p>");
            html.Append("</td></tr>");
        }

        html.Append("<tr><td class=\"footer\">");
        text.Append("--\n");
        if (recipient is not null)
        {
            var lists = listNames.Count == 0 ? "the Backstage newsletter" : string.Join(" and ", listNames.Select(n => "“" + n + "”"));
            html.Append("<p>You get this because you subscribed to ").Append(E(lists)).Append(".</p>")
                .Append("<p><a href=\"").Append(A(recipient.Unsubscribe)).Append("\">Unsubscribe</a> · <a href=\"")
                .Append(A(recipient.Manage)).Append("\">Manage or delete your subscription</a></p>");
            text.Append("You get this because you subscribed to ").Append(lists).Append(".\n")
                .Append("Unsubscribe: ").Append(recipient.Unsubscribe).Append('\n')
                .Append("Manage or delete your subscription: ").Append(recipient.Manage).Append('\n');
        }
        html.Append("<p>No tracking pixels and no rewritten links: we do not know whether you opened this.</p></td></tr>");
        text.Append("No tracking pixels and no rewritten links: we do not know whether you opened this.\n");
        html.Append("</table><!--[if mso]></td></tr></table><![endif]--></td></tr></table></body></html>");

        var inlined = PreMailer.Net.PreMailer.MoveCssInline(html.ToString(), removeStyleElements: true, ignoreElements: "#mobile", removeComments: false);
        return new RenderedIssue(inlined.Html, text.ToString(), content.PhotoIds.ToList());
    }

    private static void Gallery(StringBuilder html, StringBuilder text, EmailGallery g, bool titled)
    {
        if (titled) html.Append("<p class=\"gallery-title\">").Append(E(g.Title)).Append("</p>");
        html.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">");
        for (var row = 0; row < g.Photos.Count; row += ThumbsPerRow)
        {
            html.Append("<tr>");
            for (var col = 0; col < ThumbsPerRow; col++)
            {
                var i = row + col;
                var pad = col < ThumbsPerRow - 1 ? ThumbGap : 0;
                html.Append("<td class=\"thumb\" width=\"").Append(ThumbWidth + pad).Append("\" style=\"padding-right:").Append(pad).Append("px\">");
                if (i < g.Photos.Count)
                {
                    var p = g.Photos[i];
                    var height = (int)Math.Round(ThumbWidth * (double)p.Height / p.Width);
                    html.Append("<a href=\"").Append(A(p.PageUrl)).Append("\"><img src=\"").Append(A(p.ImageUrl)).Append("\" width=\"").Append(ThumbWidth)
                        .Append("\" height=\"").Append(height).Append("\" alt=\"").Append(A(p.Alt)).Append("\" style=\"width:").Append(ThumbWidth).Append("px\"></a>");
                }
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (g.Credits.Count > 0)
        {
            html.Append("<p class=\"credits\">").Append(E(string.Join(" · ", g.Credits))).Append("</p>");
            text.Append(string.Join(" · ", g.Credits)).Append('\n');
        }
        var all = g.TotalPhotos == 1 ? "See the photo" : $"See all {g.TotalPhotos.ToString("N0", CultureInfo.InvariantCulture)} photos";
        html.Append("<p class=\"more\"><a href=\"").Append(A(g.ShowUrl)).Append("\">").Append(E(all)).Append("</a></p>");
        text.Append(g.Title).Append(": ").Append(all).Append(": ").Append(g.ShowUrl).Append("\n\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string A(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The intro's relative links ("/shows/x") made absolute: a mail client has no base address.</summary>
    private static string Absolutise(string html, string siteUrl) => RelativeHref().Replace(html, m => m.Groups[1].Value + WebUtility.HtmlEncode(siteUrl) + "/");

    [GeneratedRegex("((?:href|src)=\")/(?!/)")] private static partial Regex RelativeHref();

    /// <summary>The intro may not embed galleries (stories do that): the directive renders as nothing.</summary>
    private sealed class NoGalleries : IGalleryEmbedRenderer
    {
        public Task<IReadOnlyDictionary<string, string>> RenderAsync(IReadOnlyCollection<string> showSlugs, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
    }
}
