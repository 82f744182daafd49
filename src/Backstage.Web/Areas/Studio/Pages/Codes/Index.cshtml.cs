using System.ComponentModel.DataAnnotations;
using System.Text;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Codes;

/// <summary>
/// /studio/code-replacements[?show=id]: the desk's shortcodes, site-wide or for one show ("=l12=" → "Look 12"). Add one,
/// delete one, import or export Photo Mechanic's tab-separated code-replacement file.
/// </summary>
public sealed class IndexModel(BackstageDbContext db, CodeReplacements codes) : PageModel
{
    [BindProperty(SupportsGet = true)] public int? Show { get; set; }
    public Show? ForShow { get; private set; }
    public IReadOnlyList<CodeReplacement> Rows { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];

    [BindProperty] public AddInput Input { get; set; } = new();
    [BindProperty, Display(Name = "Photo Mechanic file")] public IFormFile? Upload { get; set; }
    [BindProperty, Display(Name = "Or paste the file's lines"), StringLength(200_000)] public string? Pasted { get; set; }

    public sealed class AddInput
    {
        [Display(Name = "Code"), StringLength(CodeTable.MaxCodeLength)] public string? Code { get; set; }
        [Display(Name = "Replacement"), StringLength(500)] public string? Text { get; set; }
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Show is { } id && (ForShow = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)) is null) return false;
        Rows = await codes.ListAsync(Show, ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var code = Input.Code?.Trim().Trim('=');
        if (string.IsNullOrEmpty(code) || !CodeTable.IsValidCode(code))
            ModelState.AddModelError("Input.Code", $"Code: letters, digits, - _ or . only, up to {CodeTable.MaxCodeLength} characters, without spaces (type l12 for =l12=).");
        if (string.IsNullOrWhiteSpace(Input.Text)) ModelState.AddModelError("Input.Text", "Replacement: type the text the code stands for.");
        if (!ModelState.IsValid) return Page();
        var (added, _) = await codes.UpsertAsync(Show, [(code!, Input.Text!.Trim())], ct);
        TempData["Flash"] = added == 1 ? $"Added ={code}=." : $"Updated ={code}=.";
        return RedirectToPage(new { show = Show });
    }

    public async Task<IActionResult> OnPostDeleteAsync(int codeId, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (!await codes.DeleteAsync(Show, codeId, ct)) return NotFound();
        TempData["Flash"] = "Deleted the code.";
        return RedirectToPage(new { show = Show });
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        string text;
        if (Upload is { Length: > 0 })
        {
            if (Upload.Length > 1_000_000) { ModelState.AddModelError(nameof(Upload), "Photo Mechanic file: at most 1 MB."); return Page(); }
            using var reader = new StreamReader(Upload.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = await reader.ReadToEndAsync(ct);
        }
        else text = Pasted ?? "";
        var (pairs, problems) = CodeTable.ParseTabSeparated(text);
        if (pairs.Count == 0)
        {
            ModelState.AddModelError(nameof(Upload), problems.Count > 0 ? "Nothing was imported: no line had a code, a tab and its replacement."
                : "Photo Mechanic file: choose the file (or paste its lines): one code, a tab, then its replacement, a line.");
            Problems = problems;
            return Page();
        }
        var (added, replaced) = await codes.UpsertAsync(Show, pairs, ct);
        TempData["Flash"] = $"Imported {pairs.Count} code(s): {added} new, {replaced} changed." + (problems.Count > 0 ? $" {problems.Count} line(s) skipped: " + string.Join(" ", problems) : "");
        return RedirectToPage(new { show = Show });
    }

    /// <summary>The table as Photo Mechanic's tab-separated file.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var name = ForShow is null ? "backstage-codes.txt" : $"backstage-codes-{ForShow.Slug}.txt";
        return File(Encoding.UTF8.GetBytes(CodeTable.ToTabSeparated(Rows)), "text/tab-separated-values; charset=utf-8", name);
    }
}
