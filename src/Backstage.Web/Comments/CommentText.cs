using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Backstage.Web.Comments;

/// <summary>
/// Comments are plain text. Rendering HTML-encodes everything, turns line breaks into &lt;br&gt; and links http(s)
/// URLs only — a "javascript:" URL in any spelling is never a link because only text starting with http:// or
/// https:// is ever put in an href, and that text is attribute-encoded.
/// </summary>
public static partial class CommentText
{
    [GeneratedRegex(@"https?://[^\s<>""'`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"https?://|www\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();

    /// <summary>Links as the link cap counts them: every http://, https:// or www. in the raw text.</summary>
    public static int CountLinks(string body) => LinkPattern().Count(body);

    /// <summary>
    /// Line endings unified, trailing spaces and surrounding blank lines removed, and invisible characters that reorder
    /// or disguise text (bidi overrides such as U+202E, zero-width spaces) dropped. A zero-width joiner stays only
    /// between two emoji, where it builds one (👩‍👩‍👧).
    /// </summary>
    public static string Clean(string body) =>
        string.Join('\n', StripInvisible(body).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.TrimEnd())).Trim();

    private static string StripInvisible(string text)
    {
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u200D' && i > 0 && i + 1 < text.Length && IsEmojiPart(text[i - 1]) && IsEmojiPart(text[i + 1])) { b.Append(c); continue; }
            if (!Accounts.DisplayNames.IsInvisibleControl(c)) b.Append(c);
        }
        return b.ToString();
    }

    private static bool IsEmojiPart(char c) => char.IsSurrogate(c) || char.GetUnicodeCategory(c) == UnicodeCategory.OtherSymbol || c == '\uFE0F';

    /// <summary>What counts as "the same text" for the duplicate check: case and whitespace ignored.</summary>
    public static string DuplicateKey(string body) =>
        string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    public static IHtmlContent ToHtml(string body)
    {
        var html = new StringBuilder(body.Length + 64);
        var enc = HtmlEncoder.Default;
        var last = 0;
        foreach (Match m in UrlPattern().Matches(body))
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}');
            AppendText(html, body[last..m.Index], enc);
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                html.Append("<a href=\"").Append(enc.Encode(url)).Append("\" rel=\"nofollow ugc noopener\">").Append(enc.Encode(url)).Append("</a>");
            else
                AppendText(html, url, enc);
            last = m.Index + url.Length;
        }
        AppendText(html, body[last..], enc);
        return new HtmlString(html.ToString());
    }

    private static void AppendText(StringBuilder html, string text, HtmlEncoder enc)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0) html.Append("<br>");
            html.Append(enc.Encode(lines[i]));
        }
    }

    /// <summary>A short single-line excerpt for the moderation queue and audit log.</summary>
    public static string Excerpt(string body, int length = 140)
    {
        var flat = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= length) return flat;
        var cut = StringInfo.ParseCombiningCharacters(flat).LastOrDefault(i => i <= length - 1);
        return flat[..cut] + "…";
    }
}
