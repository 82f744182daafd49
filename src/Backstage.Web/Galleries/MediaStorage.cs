using Backstage.Media;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// Where media lives: &lt;DataDirectory&gt;/media/originals (private, never served) and
/// &lt;DataDirectory&gt;/media/renditions/&lt;photoId&gt;/&lt;spec&gt; (served by <see cref="MediaEndpoints"/>, outside the web root).
/// </summary>
public sealed class MediaStorage
{
    public MediaStorage(IOptions<BackstageOptions> options)
    {
        Root = Path.Combine(options.Value.DataDirectory, "media");
        Originals = new OriginalStore(Root);
        RenditionsRoot = Path.Combine(Root, "renditions");
    }

    public string Root { get; }
    public OriginalStore Originals { get; }
    public string RenditionsRoot { get; }

    public string RenditionDirectory(int photoId) => Path.Combine(RenditionsRoot, photoId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The file for a rendition row's spec ("w1280.webp", "f500-300/fill-1600x900.jpg").</summary>
    public string RenditionPath(int photoId, string spec) => Path.Combine(RenditionDirectory(photoId), spec.Replace('/', Path.DirectorySeparatorChar));
}
