using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Articles;

/// <summary>Create and edit one article: save, publish now, schedule, unpublish — one handler per button, each one
/// <see cref="ArticlePublishing"/> transaction.</summary>
/// <remarks>Publishing the article changes no show or photo: the gate lists what its galleries hold back from readers
/// (<see cref="Notices"/>), and the editor chooses with "Publish the show too" / "Publish its ready photos too".</remarks>
public sealed class EditModel(BackstageDbContext db, SiteTime time, ArticlePublishing publishing, IEmbedNotices notices,
    ShowPublishing shows, GalleryEditor galleries) : PageModel
{
    [BindProperty] public ArticleInput Input { get; set; } = new();
    public int? Id { get; private set; }
    public ArticleStatus? Status { get; private set; }
    public DateTimeOffset? PublishAt { get; private set; }
    /// <summary>What the embedded galleries hold back from readers (drafts, scheduled shows, unpublished photos).</summary>
    public IReadOnlyList<EmbedNotice> Notices { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public string ZoneName => time.ZoneName;
    public string StatusText => Status switch
    {
        null => "New article, not saved yet",
        ArticleStatus.Draft => "Draft: only the studio can see it",
        ArticleStatus.Scheduled when PublishAt > time.Now => $"Scheduled: goes live {time.Format(PublishAt)} ({time.ZoneName})",
        _ => $"Published {time.Format(PublishAt)} ({time.ZoneName})",
    };

    /// <summary>Only the fields this form owns bind; status, author and dates are never taken from the request.</summary>
    public sealed class ArticleInput
    {
        [Required(ErrorMessage = "The article needs a title."), StringLength(200)] public string Title { get; set; } = "";
        [StringLength(120), Display(Name = "Address (slug)")] public string? Slug { get; set; }
        [StringLength(600)] public string? Standfirst { get; set; }
        public string? Body { get; set; }
        [Display(Name = "Publish at")] public DateTime? PublishAtLocal { get; set; }
        public uint Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken ct)
    {
        if (id is null) return Page();
        var a = await db.Articles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return NotFound();
        Show(a);
        Input = new ArticleInput
        {
            Title = a.Title, Slug = a.Slug, Standfirst = a.Standfirst, Body = a.Body, Version = a.Version,
            PublishAtLocal = a.Status == ArticleStatus.Scheduled && a.PublishAt is { } at ? time.ToLocal(at) : null,
        };
        if (TempData["Problems"] is string[] problems) Problems = problems;
        return await PageAsync(ct);
    }

    public Task<IActionResult> OnPostAsync(int? id, CancellationToken ct) => SaveAsync(id, "save", ct);
    public Task<IActionResult> OnPostPublishAsync(int? id, CancellationToken ct) => SaveAsync(id, "publish", ct);
    public Task<IActionResult> OnPostScheduleAsync(int? id, CancellationToken ct) => SaveAsync(id, "schedule", ct);
    public Task<IActionResult> OnPostUnpublishAsync(int? id, CancellationToken ct) => SaveAsync(id, "unpublish", ct);

    /// <summary>"Publish the show too": the editor's explicit choice for one show this article embeds (logged with the article's title).</summary>
    public async Task<IActionResult> OnPostPublishShowAsync(int id, int show, CancellationToken ct)
    {
        if (await EmbeddedShowAsync(id, show, ct) is not { } title) return NotFound();
        TempData["Flash"] = (await shows.PublishForArticleAsync(show, title, Actor.From(User), ct)).Message;
        return RedirectToPage("", new { id });
    }

    /// <summary>"Publish its ready photos too": publishes the show's ready photos, skipping (and naming) those unpublished on purpose.</summary>
    public async Task<IActionResult> OnPostPublishPhotosAsync(int id, int show, CancellationToken ct)
    {
        if (await EmbeddedShowAsync(id, show, ct) is not { } title) return NotFound();
        var result = await galleries.PublishAllReadyAsync(show, Actor.From(User), ct, $"\"Publish its ready photos too\" from the article \"{title}\"");
        TempData["Flash"] = result.Message;
        if (result.Problems.Count > 0) TempData["Problems"] = result.Problems.ToArray();
        return RedirectToPage("", new { id });
    }

    /// <summary>The article's title if article <paramref name="id"/> embeds show <paramref name="showId"/>; null otherwise (deny by default).</summary>
    private async Task<string?> EmbeddedShowAsync(int id, int showId, CancellationToken ct) =>
        await db.Articles.Where(a => a.Id == id && db.Set<ArticleGallery>().Any(e => e.ArticleId == a.Id && db.Shows.Any(s => s.Id == showId && s.Slug == e.ShowSlug)))
            .Select(a => a.Title).FirstOrDefaultAsync(ct);

    /// <summary>Checks the form, then lets <see cref="ArticlePublishing"/> save it with the state <paramref name="action"/> chose.</summary>
    private async Task<IActionResult> SaveAsync(int? id, string action, CancellationToken ct)
    {
        if (id is not null)
        {
            var current = await db.Articles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (current is null) return NotFound();
            Show(current);
        }
        var slug = string.IsNullOrWhiteSpace(Input.Slug) ? Slugs.From(Input.Title ?? "") : Input.Slug.Trim().ToLowerInvariant();
        if (!ModelState.IsValid) return await PageAsync(ct);
        if (!Slugs.IsValid(slug))
            ModelState.AddModelError("Input.Slug", "The address may use only lowercase letters, digits and single hyphens, e.g. \"dior-fw25-backstage\".");
        else if (await db.Articles.AnyAsync(a => a.Slug == slug && a.Id != id, ct))
            ModelState.AddModelError("Input.Slug", $"Another article already uses the address /articles/{slug}. Choose another.");
        var (status, publishAt) = PublishSchedule.Apply(action, Status ?? ArticleStatus.Draft, PublishAt, Input.PublishAtLocal, "article", time, ModelState);
        if (!ModelState.IsValid) return await PageAsync(ct);

        var fields = new ArticleFields((Input.Title ?? "").Trim(), slug, string.IsNullOrWhiteSpace(Input.Standfirst) ? null : Input.Standfirst.Trim(),
            Input.Body ?? "", Input.Version);
        var outcome = await publishing.SaveAsync(id, fields, action, status, publishAt, Actor.From(User), ct);
        if (!outcome.Ok)
        {
            if (outcome.Problems is { Count: > 0 } problems)
                foreach (var problem in problems) ModelState.AddModelError("", problem);
            else ModelState.AddModelError(outcome.Field ?? "", outcome.Message);
            return await PageAsync(ct);
        }
        TempData["Flash"] = outcome.Message;
        return RedirectToPage("", new { id = outcome.Id });
    }

    private async Task<IActionResult> PageAsync(CancellationToken ct)
    {
        Notices = await notices.ForAsync(Input.Body ?? "", ct);
        return Page();
    }

    private void Show(Article a) => (Id, Status, PublishAt) = (a.Id, a.Status, a.PublishAt);
}
