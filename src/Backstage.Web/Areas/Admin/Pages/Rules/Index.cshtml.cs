using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Areas.Admin.Pages.Rules;

/// <summary>The automatic comment rules (/admin/rules). Saving writes a "rules-changed" audit entry.</summary>
public sealed class IndexModel(BackstageDbContext db, CommentModeration comments) : PageModel
{
    public sealed class RulesInput
    {
        [Display(Name = "Hold a reader's comments until one has been approved")] public bool HoldFirstComment { get; set; }
        [Range(0, 50), Display(Name = "Hold comments with more links than")] public int MaxLinks { get; set; }
        [StringLength(20000), Display(Name = "Moderation list (hold for review)")] public string? ModerationWords { get; set; }
        [StringLength(20000), Display(Name = "Block list (straight to spam)")] public string? BlockWords { get; set; }
        [Range(0, 3600), Display(Name = "Seconds between two comments of one reader")] public int MinSecondsBetweenComments { get; set; }
        [Range(0, 1000), Display(Name = "Comments per hour per reader")] public int MaxCommentsPerHour { get; set; }
        [Range(0, 100000), Display(Name = "Comments per hour per IP address")] public int MaxCommentsPerHourPerIp { get; set; }
        [Range(0, 1440), Display(Name = "Minutes a reader may edit their comment")] public int EditWindowMinutes { get; set; }
        [Range(1, 3650), Display(Name = "Days before trash is purged")] public int TrashRetentionDays { get; set; }
    }

    [BindProperty] public RulesInput Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var r = await db.CommentRulesAsync(ct);
        Input = new RulesInput
        {
            HoldFirstComment = r.HoldFirstComment, MaxLinks = r.MaxLinks, ModerationWords = r.ModerationWords, BlockWords = r.BlockWords,
            MinSecondsBetweenComments = r.MinSecondsBetweenComments, MaxCommentsPerHour = r.MaxCommentsPerHour,
            MaxCommentsPerHourPerIp = r.MaxCommentsPerHourPerIp, EditWindowMinutes = r.EditWindowMinutes, TrashRetentionDays = r.TrashRetentionDays,
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        static string List(string? s) => string.Join('\n', CommentRules.Lines((s ?? "").Replace("\r", "")).Distinct(StringComparer.OrdinalIgnoreCase));
        await comments.SaveRulesAsync(new CommentRules
        {
            HoldFirstComment = Input.HoldFirstComment, MaxLinks = Input.MaxLinks,
            ModerationWords = List(Input.ModerationWords), BlockWords = List(Input.BlockWords),
            MinSecondsBetweenComments = Input.MinSecondsBetweenComments, MaxCommentsPerHour = Input.MaxCommentsPerHour,
            MaxCommentsPerHourPerIp = Input.MaxCommentsPerHourPerIp, EditWindowMinutes = Input.EditWindowMinutes,
            TrashRetentionDays = Input.TrashRetentionDays,
        }, Actor.From(User), ct);
        TempData["Flash"] = "Comment rules saved.";
        return RedirectToPage();
    }
}
