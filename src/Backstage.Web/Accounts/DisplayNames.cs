using System.Globalization;
using System.Text;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Accounts;

/// <summary>
/// Display names are what readers trust under a comment, so they are normalized (NFKC, no bidi controls or invisible
/// characters, single spaces) and a reader's name may not look like a staff member's: both are reduced to a
/// "skeleton" (case folded, accents and punctuation removed, common look-alike letters and digits mapped) and compared.
/// </summary>
public static class DisplayNames
{
    public const int MaxLength = 60;

    /// <summary>Bidi embeddings/overrides/isolates, marks, and zero-width characters: invisible, but they reorder or disguise text.</summary>
    public static bool IsInvisibleControl(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' or '\u180E' or '\u061C'
        or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or (>= '\u2061' and <= '\u2064');

    /// <summary>NFKC, invisible and control characters removed, runs of white space made one space, trimmed.</summary>
    public static string Normalize(string? name)
    {
        var s = (name ?? "").Normalize(NormalizationForm.FormKC);
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (IsInvisibleControl(c) || char.IsControl(c) && !char.IsWhiteSpace(c)) continue;
            if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format) { if (b.Length > 0 && b[^1] != ' ') b.Append(' '); continue; }
            b.Append(c);
        }
        return b.ToString().Trim();
    }

    private static readonly Dictionary<char, char> Confusables = new()
    {
        ['0'] = 'o', ['1'] = 'l', ['i'] = 'l', ['j'] = 'l', ['|'] = 'l', ['!'] = 'l', ['3'] = 'e', ['4'] = 'a', ['@'] = 'a', ['5'] = 's', ['$'] = 's',
        ['7'] = 't', ['8'] = 'b', ['9'] = 'g', ['6'] = 'b',
        // Cyrillic and Greek letters that render like Latin ones.
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['т'] = 't',
        ['у'] = 'y', ['х'] = 'x', ['і'] = 'l', ['ї'] = 'l', ['ј'] = 'l', ['ѕ'] = 's', ['ԁ'] = 'd', ['ɡ'] = 'g', ['ո'] = 'n',
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'l', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ı'] = 'l',
    };

    /// <summary>What a name looks like: "Eddie Editor", "EDDIE-EDITOR", "Éddie Ed1tor" and "Еddiе Еditor" (Cyrillic) share one skeleton.</summary>
    public static string Skeleton(string name)
    {
        var decomposed = Normalize(name).ToLowerInvariant().Normalize(NormalizationForm.FormKD);
        var b = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var m = Confusables.GetValueOrDefault(c, c);
            if (char.IsLetterOrDigit(m)) b.Append(m);
        }
        return b.ToString().Replace("rn", "m").Replace("vv", "w").Replace("cl", "d");
    }

    /// <summary>
    /// null when <paramref name="name"/> may be used by <paramref name="userId"/> (null: a new account), else why not.
    /// Staff may use any name; everyone else may not take a name that looks like a staff member's.
    /// </summary>
    public static async Task<string?> ProblemAsync(BackstageDbContext db, string name, string? userId, bool isStaff, CancellationToken ct = default)
    {
        if (name.Length == 0) return "Choose a name with at least one visible letter or digit.";
        if (Skeleton(name).Length == 0) return "Choose a name with at least one letter or digit.";
        if (name.Length > MaxLength) return $"Names can be up to {MaxLength} characters.";
        if (isStaff) return null;
        var staffNames = await (
            from u in db.Users
            join ur in db.UserRoles on u.Id equals ur.UserId
            join r in db.Roles on ur.RoleId equals r.Id
            where (r.Name == Roles.Admin || r.Name == Roles.Editor) && u.Id != userId
            select u.DisplayName).ToListAsync(ct);
        var skeleton = Skeleton(name);
        return staffNames.Any(s => Skeleton(s) == skeleton)
            ? "That name looks like the name of a member of our staff; please choose another so readers are not misled."
            : null;
    }
}
