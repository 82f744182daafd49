using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Backstage.Web.Articles;

public static partial class Slugs
{
    /// <summary>"Dries Van Noten — Fall/Winter 2025" → "dries-van-noten-fall-winter-2025" (accents folded).</summary>
    public static string From(string text, int maxLength = 80)
    {
        var folded = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                folded.Append(char.ToLowerInvariant(c));
        var slug = NonSlug().Replace(folded.ToString(), "-").Trim('-');
        return slug.Length <= maxLength ? slug : slug[..maxLength].TrimEnd('-');
    }

    public static bool IsValid(string slug) => Valid().IsMatch(slug);

    [GeneratedRegex("[^a-z0-9]+")] private static partial Regex NonSlug();
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")] private static partial Regex Valid();
}
