using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Backstage.Web.Articles;

/// <summary>Builds the HTML of gallery embeds for a set of show slugs (the galleries feature supplies the real one).</summary>
public interface IGalleryEmbedRenderer
{
    Task<IReadOnlyDictionary<string, string>> RenderAsync(IReadOnlyCollection<string> showSlugs, CancellationToken ct);
}

public sealed record RenderedMarkdown(string Html, IReadOnlyList<string> GallerySlugs);

/// <summary>
/// Article Markdown → safe HTML. Raw HTML is escaped (DisableHtml), every link and image URL is checked against an
/// allow-list of schemes after Markdig has decoded entities, and the result goes through HtmlSanitizer as a second
/// line of defence. Gallery directives become trusted gallery HTML only after sanitising.
/// </summary>
public sealed partial class MarkdownRenderer(IGalleryEmbedRenderer galleries)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseAutoLinks()
        .Use<GalleryExtension>()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static IReadOnlyList<string> GallerySlugs(string markdown) =>
        Markdown.Parse(markdown ?? "", Pipeline).Descendants<GalleryBlock>().Select(g => g.ShowSlug).Distinct().ToList();

    public async Task<RenderedMarkdown> RenderAsync(string markdown, CancellationToken ct = default)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
            if (!IsSafeUrl(link.Url)) link.Url = link.IsImage ? "" : "#";
        foreach (var link in document.Descendants<AutolinkInline>())
            if (!IsSafeUrl(link.Url)) link.Url = "#";

        var slugs = document.Descendants<GalleryBlock>().Select(g => g.ShowSlug).Distinct().ToList();
        var html = Sanitizer.Sanitize(document.ToHtml(Pipeline));
        if (slugs.Count == 0) return new(html, slugs);

        var embeds = await galleries.RenderAsync(slugs, ct);
        html = Marker().Replace(html, m => embeds.TryGetValue(m.Groups[1].Value, out var embed) ? embed : "");
        return new(html, slugs);
    }

    /// <summary>http, https, mailto and relative URLs pass; "JaVaScRiPt:", "java\tscript:", data: and the like do not.</summary>
    public static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return true;
        var compact = new string(url.Where(c => c > ' ' && !char.IsControl(c)).ToArray());
        var colon = compact.IndexOf(':');
        if (colon < 0) return true;
        var firstDelimiter = compact.IndexOfAny(['/', '?', '#']);
        if (firstDelimiter >= 0 && firstDelimiter < colon) return true; // "/a:b" is a path, not a scheme
        var scheme = compact[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "http", "https", "mailto" }) s.AllowedSchemes.Add(scheme);
        s.AllowedAttributes.Add("data-show");
        s.AllowedAttributes.Add("class");
        return s;
    }

    [GeneratedRegex("<div class=\"gallery-embed\" data-show=\"([a-z0-9-]+)\"></div>")]
    private static partial Regex Marker();
}
