using System.Globalization;
using System.Text.Encodings.Web;

namespace Backstage.Web.Galleries;

/// <summary>
/// What shows while a photo loads: its dominant colour and blurred preview, drawn by an SVG behind the picture. SVG
/// presentation attributes (fill, href) are not styles, so this needs no inline style and the Content-Security-Policy
/// keeps style-src to our own stylesheet. site.css lays it out (.ph: absolutely positioned under the image).
/// </summary>
public static class Placeholder
{
    public static string Svg(string? dominantColor, string? blurDataUri, HtmlEncoder enc)
    {
        var svg = "<svg class=\"ph\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 1 1\" preserveAspectRatio=\"none\">";
        if (!string.IsNullOrEmpty(dominantColor)) svg += $"<rect width=\"1\" height=\"1\" fill=\"{enc.Encode(dominantColor)}\"/>";
        if (!string.IsNullOrEmpty(blurDataUri)) svg += $"<image href=\"{enc.Encode(blurDataUri)}\" width=\"1\" height=\"1\" preserveAspectRatio=\"none\"/>";
        return svg + "</svg>";
    }

    /// <summary>A focal point marker at (x, y) in 0…1 of the thumbnail (gallery-editor.js moves it by its cx/cy).</summary>
    public static string FocalDot(double x, double y) =>
        string.Create(CultureInfo.InvariantCulture, $"<svg class=\"focal-dot\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"{x * 100:0.#}%\" cy=\"{y * 100:0.#}%\" r=\"6\"/></svg>");
}
