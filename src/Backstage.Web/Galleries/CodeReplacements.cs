using System.Text;
using System.Text.RegularExpressions;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Galleries;

/// <summary>
/// One shortcode of the desk, Photo Mechanic style: "=l12=" in a caption, alt text or credit becomes "Look 12" when it is
/// saved. <see cref="ShowId"/> null = site-wide; a show's own code wins over a site-wide one with the same name.
/// </summary>
public sealed class CodeReplacement
{
    public int Id { get; set; }
    public int? ShowId { get; set; }
    public Show? Show { get; set; }
    /// <summary>Without the delimiters: "l12" for "=l12=". Matched case-insensitively.</summary>
    public string Code { get; set; } = "";
    public string Text { get; set; } = "";
}

internal sealed class CodeReplacementConfiguration : IEntityTypeConfiguration<CodeReplacement>
{
    public void Configure(EntityTypeBuilder<CodeReplacement> b)
    {
        b.ToTable("code_replacements");
        b.HasOne(c => c.Show).WithMany().HasForeignKey(c => c.ShowId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Code).HasMaxLength(CodeTable.MaxCodeLength);
        b.Property(c => c.Text).HasMaxLength(500);
        // One text per code per scope; the site-wide scope (null show) is one scope too.
        b.HasIndex(c => new { c.ShowId, c.Code }).IsUnique().AreNullsDistinct(false);
    }
}

/// <summary>The codes in force for one show (its own over the site-wide ones), and the expansion rule.</summary>
public sealed partial class CodeTable(IReadOnlyDictionary<string, string> codes)
{
    public const int MaxCodeLength = 40;
    public static readonly CodeTable Empty = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Codes { get; } = codes;

    /// <summary>"=code=": letters, digits, '-', '_' and '.', no spaces (so "a = b = c" is never a code).</summary>
    [GeneratedRegex(@"=([\p{L}\p{N}_.\-]{1,40})=")]
    private static partial Regex CodePattern();

    /// <summary>A valid code name (what the table and the import accept).</summary>
    public static bool IsValidCode(string code) => code.Length is > 0 and <= MaxCodeLength && CodePattern().IsMatch("=" + code + "=");

    /// <summary>Replaces every known code; an unknown one stays exactly as typed and is returned in <c>Unknown</c>.</summary>
    public (string? Text, IReadOnlyList<string> Unknown) Expand(string? text)
    {
        if (string.IsNullOrEmpty(text)) return (text, []);
        var unknown = new List<string>();
        var expanded = CodePattern().Replace(text, m =>
        {
            if (Codes.TryGetValue(m.Groups[1].Value.ToLowerInvariant(), out var replacement)) return replacement;
            unknown.Add(m.Value);
            return m.Value;
        });
        return (expanded, unknown.Distinct().ToList());
    }

    /// <summary>Codes still in a saved text (they were unknown when it was saved): the contact sheet flags them.</summary>
    public static IReadOnlyList<string> Leftovers(params string?[] texts) =>
        texts.Where(t => !string.IsNullOrEmpty(t)).SelectMany(t => CodePattern().Matches(t!).Select(m => m.Value)).Distinct().ToList();

    /// <summary>
    /// Photo Mechanic's code-replacement file: one "code&lt;TAB&gt;replacement" a line (extra columns ignored, blank lines
    /// and lines starting with '#' skipped). Returns the pairs and one message per refused line.
    /// </summary>
    public static (List<(string Code, string Text)> Pairs, List<string> Problems) ParseTabSeparated(string file)
    {
        var pairs = new List<(string, string)>();
        var problems = new List<string>();
        var lines = file.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            var cols = line.Split('\t');
            var code = cols[0].Trim().Trim('=');
            if (cols.Length < 2 || string.IsNullOrWhiteSpace(cols[1]))
                problems.Add($"Line {i + 1}: no tab-separated replacement after \"{cols[0].Trim()}\".");
            else if (!IsValidCode(code))
                problems.Add($"Line {i + 1}: \"{cols[0].Trim()}\" is not a code (letters, digits, - _ . only, up to {MaxCodeLength}).");
            else if (cols[1].Trim().Length > 500)
                problems.Add($"Line {i + 1}: the replacement for \"{code}\" is longer than 500 characters.");
            else pairs.Add((code, cols[1].Trim()));
        }
        return (pairs, problems);
    }

    public static string ToTabSeparated(IEnumerable<CodeReplacement> rows)
    {
        var sb = new StringBuilder();
        foreach (var r in rows.OrderBy(r => r.Code, StringComparer.OrdinalIgnoreCase))
            sb.Append(r.Code).Append('\t').Append(r.Text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ')).Append("\r\n");
        return sb.ToString();
    }
}

/// <summary>Reads and writes the tables (per show and site-wide).</summary>
public sealed class CodeReplacements(BackstageDbContext db)
{
    public async Task<CodeTable> ForShowAsync(int showId, CancellationToken ct)
    {
        var rows = await db.Set<CodeReplacement>().AsNoTracking().Where(c => c.ShowId == showId || c.ShowId == null).ToListAsync(ct);
        var codes = new Dictionary<string, string>();
        foreach (var r in rows.OrderBy(r => r.ShowId is null ? 0 : 1)) codes[r.Code.ToLowerInvariant()] = r.Text; // the show's own win
        return new CodeTable(codes);
    }

    public Task<List<CodeReplacement>> ListAsync(int? showId, CancellationToken ct) =>
        db.Set<CodeReplacement>().AsNoTracking().Where(c => c.ShowId == showId).OrderBy(c => c.Code).ToListAsync(ct);

    /// <summary>Adds or replaces codes in one scope; returns how many were added and how many replaced.</summary>
    public async Task<(int Added, int Replaced)> UpsertAsync(int? showId, IReadOnlyList<(string Code, string Text)> pairs, CancellationToken ct)
    {
        var existing = await db.Set<CodeReplacement>().Where(c => c.ShowId == showId).ToListAsync(ct);
        int added = 0, replaced = 0;
        foreach (var (code, text) in pairs.Reverse().DistinctBy(p => p.Code.ToLowerInvariant())) // the last line for a code wins
        {
            var row = existing.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase));
            if (row is null)
            {
                row = new CodeReplacement { ShowId = showId, Code = code.ToLowerInvariant(), Text = text };
                db.Add(row);
                existing.Add(row);
                added++;
            }
            else if (row.Text != text) { row.Text = text; replaced++; }
        }
        await db.SaveChangesAsync(ct);
        return (added, replaced);
    }

    public async Task<bool> DeleteAsync(int? showId, int id, CancellationToken ct) =>
        await db.Set<CodeReplacement>().Where(c => c.Id == id && c.ShowId == showId).ExecuteDeleteAsync(ct) > 0;
}
