using System.Globalization;

namespace Backstage.Web.Cluster;

/// <summary>
/// Eviction tags. Every public page is cached under <see cref="Public"/>; anything that changes what readers see (an
/// article, show, photo or comment) evicts it through <see cref="PublicCache"/>. Publishing is rare next to reading, so
/// evicting all public pages is both simple and cheap. <see cref="Media"/> names a photo's renditions in the nodes'
/// local media caches.
/// </summary>
public static class CacheTags
{
    public const string Public = "public";
    private const string MediaPrefix = "media:";

    public static string Media(int photoId) => MediaPrefix + photoId.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseMedia(string tag, out int photoId)
    {
        photoId = 0;
        return tag.StartsWith(MediaPrefix, StringComparison.Ordinal)
               && int.TryParse(tag.AsSpan(MediaPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out photoId);
    }
}
