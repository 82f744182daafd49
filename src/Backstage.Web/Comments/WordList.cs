using System.Globalization;
using System.Text;

namespace Backstage.Web.Comments;

/// <summary>
/// Matches moderation and block words so that look-alike spellings are caught. Text and list entries go through
/// the same <see cref="Fold"/>:
/// <list type="number">
/// <item>NFKC: full-width, ligature and styled letters (ｖｉａｇｒａ, 𝐯𝐢𝐚𝐠𝐫𝐚, ﬁ) become plain ones;</item>
/// <item>case folding (lower-case, invariant culture);</item>
/// <item>diacritics stripped (NFD, drop non-spacing marks): "víágrà" → "viagra";</item>
/// <item>invisible format characters (zero-width space, soft hyphen) removed;</item>
/// <item>a small, deliberate look-alike map: Cyrillic/Greek letters that look Latin, leetspeak digits and symbols
///   (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s), and l→i so that "1" can stand for either "l" or "i".</item>
/// </list>
/// A list entry then matches when its letters appear in order starting and ending at word boundaries, with any
/// separators (spaces, dots, dashes…) between them ignored — "v.i.a.g.r.a" and "vi-agra" match "viagra" — while
/// a word inside another word does not ("class" does not match "ass").
/// </summary>
public static class WordList
{
    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        // Cyrillic
        ['а'] = 'a', ['е'] = 'e', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['х'] = 'x', ['у'] = 'y', ['і'] = 'i',
        ['ѕ'] = 's', ['ј'] = 'j', ['ԁ'] = 'd', ['ɡ'] = 'g', ['һ'] = 'h', ['к'] = 'k', ['м'] = 'm', ['т'] = 't', ['в'] = 'b', ['н'] = 'h',
        // Greek
        ['α'] = 'a', ['ο'] = 'o', ['ρ'] = 'p', ['ι'] = 'i', ['ν'] = 'v', ['κ'] = 'k', ['τ'] = 't', ['υ'] = 'u', ['ε'] = 'e',
        // Leetspeak and symbols
        ['0'] = 'o', ['1'] = 'i', ['3'] = 'e', ['4'] = 'a', ['5'] = 's', ['7'] = 't', ['@'] = 'a', ['$'] = 's',
        // "1" stands for l or i; folding l into i makes both spellings meet
        ['l'] = 'i',
    };

    /// <summary>The folded form; characters that are neither letters nor digits become spaces (separators).</summary>
    public static string Fold(string text)
    {
        var nfkc = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(nfkc.Length);
        foreach (var ch in nfkc)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.Format) continue;
            var c = LookAlikes.TryGetValue(ch, out var mapped) ? mapped : ch;
            sb.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }
        return sb.ToString();
    }

    /// <summary>The first list entry found in the text (as the admin typed it), or null.</summary>
    public static string? FirstMatch(string text, string list)
    {
        var folded = Fold(text);
        foreach (var entry in CommentRules.Lines(list))
        {
            var word = Fold(entry).Replace(" ", "");
            if (word.Length > 0 && Contains(folded, word)) return entry;
        }
        return null;
    }

    private static bool Contains(string t, string word)
    {
        for (var start = 0; start < t.Length; start++)
        {
            if (t[start] == ' ' || (start > 0 && t[start - 1] != ' ') || t[start] != word[0]) continue;
            int j = start, k = 0;
            while (k < word.Length)
            {
                while (k > 0 && j < t.Length && t[j] == ' ') j++;
                if (j >= t.Length || t[j] != word[k]) break;
                j++; k++;
            }
            if (k == word.Length && (j == t.Length || t[j] == ' ')) return true;
        }
        return false;
    }
}
