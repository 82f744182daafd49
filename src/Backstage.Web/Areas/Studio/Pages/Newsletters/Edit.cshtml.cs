using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Newsletter;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Newsletters;

/// <summary>
/// "New issue" and editing one: subject, intro, stories (published articles and live shows), lists; then Save, Preview,
/// "Send a test to me", Send or Schedule — one handler per button, each saving what was typed first. A refusal (no
/// list, nothing readers may see, over Gmail's 102 KB) keeps the form as typed.
/// </summary>
public sealed class EditModel(BackstageDbContext db, NewsletterDesk desk, IssueMessages messages, SiteTime time, UserManager<AppUser> users,
    TimeProvider clock) : PageModel
{
    [BindProperty] public IssueInput Input { get; set; } = new();
    public long? Id { get; private set; }
    public NewsletterIssue? Issue { get; private set; }
    public IssueSummary? Summary { get; private set; }
    public List<Article> Articles { get; private set; } = [];
    public List<Show> Shows { get; private set; } = [];
    public List<NewsletterList> Lists { get; private set; } = [];
    /// <summary>The message's size now, and what the public rules leave out of it (shown once saved).</summary>
    public int? SizeBytes { get; private set; }
    public IReadOnlyList<string> LeftOut { get; private set; } = [];
    public string ZoneName => time.ZoneName;
    public bool Locked => Issue?.State is NewsletterIssueState.Sending or NewsletterIssueState.Sent;

    public sealed class IssueInput
    {
        [Display(Name = "Subject")] public string? Subject { get; set; }
        [Display(Name = "Intro (Markdown, optional)")] public string? Intro { get; set; }
        public List<int> ArticleIds { get; set; } = [];
        public List<int> ShowIds { get; set; } = [];
        public List<int> ListIds { get; set; } = [];
        [Display(Name = "Send at")] public DateTime? ScheduleAtLocal { get; set; }
        public uint Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        if (id is not null)
        {
            if (!await LoadAsync(id.Value, ct)) return NotFound();
            var stories = await db.Set<NewsletterStory>().AsNoTracking().Where(s => s.IssueId == id).OrderBy(s => s.Position).ToListAsync(ct);
            Input = new IssueInput
            {
                Subject = Issue!.Subject, Intro = Issue.IntroMarkdown, Version = Issue.Version,
                ArticleIds = stories.Where(s => s.Kind == StoryKind.Article).Select(s => s.TargetId).ToList(),
                ShowIds = stories.Where(s => s.Kind == StoryKind.Show).Select(s => s.TargetId).ToList(),
                ListIds = await db.Set<NewsletterIssueList>().Where(x => x.IssueId == id).Select(x => x.ListId).ToListAsync(ct),
                ScheduleAtLocal = Issue.State == NewsletterIssueState.Scheduled && Issue.ScheduledFor is { } at ? time.ToLocal(at) : null,
            };
        }
        else Input.ListIds = await db.Set<NewsletterList>().OrderBy(l => l.SortOrder).Select(l => l.Id).Take(1).ToListAsync(ct);
        return await PageAsync(ct);
    }

    public Task<IActionResult> OnPostAsync(long? id, CancellationToken ct) => SaveThenAsync(id, _ => Task.FromResult<DeskOutcome?>(null), ct);

    public Task<IActionResult> OnPostPreviewAsync(long? id, CancellationToken ct) =>
        SaveThenAsync(id, _ => Task.FromResult<DeskOutcome?>(null), ct, saved => RedirectToPage("/Newsletters/Preview", new { id = saved }));

    public Task<IActionResult> OnPostTestAsync(long? id, CancellationToken ct) => SaveThenAsync(id, async saved =>
    {
        var user = await users.GetUserAsync(User);
        return user?.Email is { } email ? await desk.SendTestAsync(saved, email, ct) : DeskOutcome.Fail("Your account has no email address to send the test to.");
    }, ct);

    public Task<IActionResult> OnPostSendAsync(long? id, CancellationToken ct) => SaveThenAsync(id, async saved => await desk.SendAsync(saved, null, Actor.From(User), ct), ct);

    public Task<IActionResult> OnPostScheduleAsync(long? id, CancellationToken ct)
    {
        if (Input.ScheduleAtLocal is null)
            ModelState.AddModelError("Input.ScheduleAtLocal", $"Send at: choose the date and time ({time.ZoneName}) the issue should go out.");
        return SaveThenAsync(id, async saved => await desk.SendAsync(saved, time.ToUtc(Input.ScheduleAtLocal!.Value), Actor.From(User), ct), ct);
    }

    public async Task<IActionResult> OnPostUnscheduleAsync(long id, CancellationToken ct)
    {
        var outcome = await desk.UnscheduleAsync(id, Actor.From(User), ct);
        TempData["Flash"] = outcome.Message;
        return RedirectToPage("", new { id });
    }

    /// <summary>Saves the form, then runs the button's action; any refusal re-shows the form as typed with the reason.</summary>
    private async Task<IActionResult> SaveThenAsync(long? id, Func<long, Task<DeskOutcome?>> then, CancellationToken ct, Func<long, IActionResult>? done = null)
    {
        if (id is not null && !await LoadAsync(id.Value, ct)) return NotFound();
        if (Locked) return RedirectToPage("", new { id });
        if (!ModelState.IsValid) return await PageAsync(ct);
        var saved = await desk.SaveAsync(id, new IssueFields(Input.Subject ?? "", Input.Intro ?? "", Input.ArticleIds, Input.ShowIds, Input.ListIds, Input.Version),
            Actor.From(User), ct);
        if (!saved.Ok)
        {
            ModelState.AddModelError(saved.Field ?? "", saved.Message);
            return await PageAsync(ct);
        }
        var issueId = saved.Id!.Value;
        var outcome = await then(issueId);
        if (outcome is { Ok: false })
        {
            await LoadAsync(issueId, ct);
            Input.Version = Issue!.Version;
            ModelState.AddModelError(outcome.Field ?? "", outcome.Message);
            return await PageAsync(ct);
        }
        if (done is not null) return done(issueId);
        TempData["Flash"] = outcome?.Message ?? saved.Message;
        return RedirectToPage("", new { id = issueId });
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        Issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        Id = Issue?.Id;
        return Issue is not null;
    }

    private async Task<IActionResult> PageAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Articles = await db.Articles.AsNoTracking().Live(now).OrderByDescending(a => a.PublishAt).Take(50).ToListAsync(ct);
        Shows = await db.Shows.AsNoTracking().Where(GalleryVisibility.ShowLive(now)).OrderByDescending(s => s.Date).ThenBy(s => s.Designer).Take(50).ToListAsync(ct);
        Lists = await db.Set<NewsletterList>().AsNoTracking().OrderBy(l => l.SortOrder).ToListAsync(ct);
        if (Id is { } id)
        {
            Summary = (await desk.SummariesAsync(ct)).FirstOrDefault(s => s.Issue.Id == id);
            if (await desk.PreviewAsync(id, ct) is { } t)
            {
                SizeBytes = messages.SizeFor(t);
                LeftOut = t.Content.LeftOut;
            }
        }
        return Page();
    }
}
