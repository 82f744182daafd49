using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Studio;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Articles;

/// <summary>Create and edit one article: save, publish now, schedule, unpublish. One form, one page.</summary>
/// <remarks>Every save keeps a revision (History) and records the galleries the body embeds; publishing or scheduling
/// also puts the embedded galleries live (<see cref="GalleryEditor.PublishWithArticleAsync"/>) and writes the studio log.</remarks>
public sealed class EditModel(BackstageDbContext db, IEnumerable<IPublishCheck> checks, SiteTime time, UserManager<Accounts.AppUser> users,
    PublicCache publicCache, GalleryEditor galleries) : PageModel
{
    [BindProperty] public ArticleInput Input { get; set; } = new();
    public int? Id { get; private set; }
    public ArticleStatus? Status { get; private set; }
    public DateTimeOffset? PublishAt { get; private set; }
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
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, string? action, CancellationToken ct)
    {
        Article? article = null;
        if (id is not null)
        {
            article = await db.Articles.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (article is null) return NotFound();
            Show(article);
        }
        var slug = string.IsNullOrWhiteSpace(Input.Slug) ? Slugs.From(Input.Title ?? "") : Input.Slug.Trim().ToLowerInvariant();
        if (!ModelState.IsValid) return Page();
        if (!Slugs.IsValid(slug))
            ModelState.AddModelError("Input.Slug", "The address may use only lowercase letters, digits and single hyphens, e.g. \"dior-fw25-backstage\".");
        else if (await db.Articles.AnyAsync(a => a.Slug == slug && a.Id != id, ct))
            ModelState.AddModelError("Input.Slug", $"Another article already uses the address /articles/{slug}. Choose another.");

        var (status, publishAt) = PublishSchedule.Apply(action, article?.Status ?? ArticleStatus.Draft, article?.PublishAt, Input.PublishAtLocal, "article", time, ModelState);
        if (action is "publish" or "schedule")
            foreach (var check in checks)
            foreach (var problem in await check.CheckAsync(Input.Body ?? "", ct))
                ModelState.AddModelError("", problem);
        if (!ModelState.IsValid) return Page();

        if (article is null)
        {
            article = new Article { AuthorId = users.GetUserId(User) };
            db.Articles.Add(article);
        }
        else db.Entry(article).Property(a => a.Version).OriginalValue = Input.Version;
        article.Title = (Input.Title ?? "").Trim();
        article.Slug = slug;
        article.Standfirst = string.IsNullOrWhiteSpace(Input.Standfirst) ? null : Input.Standfirst.Trim();
        article.Body = Input.Body ?? "";
        article.Status = status;
        article.PublishAt = publishAt;
        article.UpdatedAt = time.Now;
        var actor = Actor.From(User);
        await ArticleEmbeds.RecordAsync(db, article, ct);
        db.Add(ArticleRevision.Of(article, actor.Id, actor.Name, time.Now));
        var wasLogged = action is "publish" or "schedule" or "unpublish";
        try
        {
            await db.SaveChangesAsync(ct);
            if (wasLogged)
            {
                StudioLog.Record(db, actor, time.Now, action!, "article", article.Id, article.Title,
                    action == "schedule" ? $"goes live {time.Format(publishAt)} ({time.ZoneName})" : null);
                await db.SaveChangesAsync(ct);
            }
            if (action is "publish" or "schedule")
                await galleries.PublishWithArticleAsync(MarkdownRenderer.GallerySlugs(article.Body), publishAt!.Value, actor, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "Someone else saved this article after you opened it. Nothing was overwritten: your text is still in the form below. " +
                "Open the latest version in a new tab, copy your changes over, and save there.");
            return Page();
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            ModelState.AddModelError("Input.Slug", $"Another article already uses the address /articles/{slug}. Choose another.");
            return Page();
        }
        await publicCache.InvalidateAsync(ct); // readers see the change (or its absence) at once
        TempData["Flash"] = action switch
        {
            "publish" => "Published. It is live now.",
            "schedule" => $"Scheduled for {time.Format(publishAt)} ({time.ZoneName}).",
            "unpublish" => "Unpublished: readers no longer see it.",
            _ => "Saved.",
        };
        return RedirectToPage(new { id = article.Id });
    }

    private void Show(Article a) => (Id, Status, PublishAt) = (a.Id, a.Status, a.PublishAt);
}
