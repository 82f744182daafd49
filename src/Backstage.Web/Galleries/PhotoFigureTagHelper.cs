using System.Globalization;
using Backstage.Media;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Backstage.Web.Galleries;

/// <summary>
/// The one reader-facing photo: <c>&lt;photo-figure photo="…" eager="true" page-url="…" /&gt;</c> renders a &lt;figure&gt;
/// with the placeholder (an SVG under the image, see Placeholder), a &lt;picture&gt; of AVIF/WebP/JPEG sources whose URLs
/// come from <see cref="MediaUrls"/> (the CDN when Backstage:Media:PublicBaseUrl is set), the caption and the credit.
/// Gallery embeds (articles, show pages) render it to a string through <see cref="Render"/>. Every value is encoded.
/// </summary>
[HtmlTargetElement("photo-figure", TagStructure = TagStructure.WithoutEndTag)]
public sealed class PhotoFigureTagHelper(MediaUrls media, MediaOptionsAccessor options) : TagHelper
{
    public const string Sizes = "(min-width: 1100px) 1000px, 100vw";

    public Photo Photo { get; set; } = null!;
    /// <summary>The first image on the page: loaded at once, with high priority.</summary>
    public bool Eager { get; set; }
    /// <summary>The photo's own page: the image links to it (lightbox.js opens it in place).</summary>
    public string? PageUrl { get; set; }
    /// <summary>A staff preview, which may show unpublished photos: fetched from this site, never the CDN.</summary>
    public bool Preview { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        output.Content.SetHtmlContent(Render());
    }

    /// <summary>
    /// The figure, or nothing while the photo has no JPEG rendition. The img's src (for browsers without srcset) is the
    /// widest JPEG a Ready photo is sure to have: Backstage:Media:ReadyMaxWidth.
    /// </summary>
    public IHtmlContent Render()
    {
        var p = Photo;
        var renditions = Preview ? MediaUrls.Origin(p) : media.Public(p);
        var html = new HtmlContentBuilder();
        if (renditions.Jpeg(options.Options.ReadyMaxWidth) is not { } fallback) return html;
        string SrcSet(string ext) => string.Join(", ", renditions.Widths(ext).Select(r => $"{r.Url} {r.Width.ToString(CultureInfo.InvariantCulture)}w"));
        html.AppendHtml("<figure class=\"gallery-photo\" id=\"photo-").Append(p.Id.ToString(CultureInfo.InvariantCulture)).AppendHtml("\">");
        if (PageUrl is not null)
        {
            html.AppendHtml("<a class=\"photo-link\" href=\"").Append(PageUrl).AppendHtml("\"");
            if (p.Decorative || string.IsNullOrWhiteSpace(p.AltText))
                html.AppendHtml(" aria-label=\"").Append($"Open photo {p.Position.ToString(CultureInfo.InvariantCulture)}").AppendHtml("\"");
            html.AppendHtml(">");
        }
        // The placeholder sits beside the picture (a <picture> holds only sources and its img), in a box of the image's size.
        html.AppendHtml("<span class=\"ph-box\">").AppendHtml(Placeholder.Svg(p.DominantColor, p.PlaceholderDataUri, System.Text.Encodings.Web.HtmlEncoder.Default)).AppendHtml("<picture>");
        foreach (var ext in new[] { "avif", "webp" })
        {
            var set = SrcSet(ext);
            if (set.Length > 0)
                html.AppendHtml($"<source type=\"{RenditionSpec.ContentTypeFor(ext)}\" srcset=\"").Append(set).AppendHtml($"\" sizes=\"{Sizes}\">");
        }
        html.AppendHtml("<img src=\"").Append(fallback.Url).AppendHtml("\" srcset=\"").Append(SrcSet("jpg"))
            .AppendHtml(string.Create(CultureInfo.InvariantCulture, $"\" sizes=\"{Sizes}\" width=\"{p.Width}\" height=\"{p.Height}\" alt=\""))
            .Append(p.Decorative ? "" : p.AltText ?? "").AppendHtml("\"")
            .AppendHtml(Eager ? " loading=\"eager\" fetchpriority=\"high\"" : " loading=\"lazy\"").AppendHtml(" decoding=\"async\"></picture></span>");
        if (PageUrl is not null) html.AppendHtml("</a>");
        if (p.CreditLine is not null || !string.IsNullOrWhiteSpace(p.Caption))
        {
            html.AppendHtml("<figcaption>");
            if (!string.IsNullOrWhiteSpace(p.Caption)) html.AppendHtml("<span class=\"caption\">").Append(p.Caption.Trim()).AppendHtml("</span>");
            if (p.CreditLine is not null) html.AppendHtml("<span class=\"credit\">").Append(p.CreditLine).AppendHtml("</span>");
            html.AppendHtml("</figcaption>");
        }
        return html.AppendHtml("</figure>");
    }
}
