using System.Globalization;

namespace Backstage.Media;

public static class Sizes
{
    /// <summary>"60 MB", "1.5 MB", "512 KB": for limit messages shown to editors.</summary>
    public static string Human(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";
}
