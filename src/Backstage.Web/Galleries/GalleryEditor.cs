using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>The outcome of one editor command: a message for the flash, or a refusal with one line per problem.</summary>
public sealed record EditorResult(bool Ok, string Message, IReadOnlyList<string> Problems, bool NeedsConfirmation = false)
{
    public static EditorResult Done(string message) => new(true, message, []);
    public static EditorResult Refused(string message, IReadOnlyList<string>? problems = null) => new(false, message, problems ?? []);
    public static EditorResult AskFirst(string message, IReadOnlyList<string> places) => new(false, message, places, NeedsConfirmation: true);
}

/// <summary>
/// Every command of the gallery editor, one method each, with its rules (tested without HTTP): save one photo's changed
/// fields (GalleryEditor.Sheet.cs, merged per field), move to a position, templates, cover, retry, publish (one, a selection, all ready — the gate names each failing
/// photo; a photo unpublished on purpose is published only by name), unpublish, delete (refused while live in a published article; needs confirmation while used). Photos of
/// other shows are never touched. Publishing, moving and templates write the studio log.
/// </summary>
public sealed partial class GalleryEditor(BackstageDbContext db, JobQueue queue, PublicCache cache, TimeProvider clock, PhotoUsage usage, ICdnPurgeRequests cdn,
    CodeReplacements codes)
{
    private async Task<List<Photo>> LoadAsync(int showId, CancellationToken ct) =>
        await db.Set<Photo>().Include(p => p.Show).Where(p => p.ShowId == showId).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);

    /// <summary>"At Dior, photo 3 (IMG_0412.jpg)": the number is the photo's place in the gallery.</summary>
    public static string Name(IReadOnlyList<Photo> gallery, Photo p) =>
        $"{p.Show?.Title ?? "Show " + p.ShowId}, photo {gallery.ToList().FindIndex(x => x.Id == p.Id) + 1} ({p.OriginalFileName})";

    public async Task<EditorResult> SetCoverAsync(int showId, int photoId, CancellationToken ct)
    {
        var photos = await LoadAsync(showId, ct);
        var p = photos.FirstOrDefault(x => x.Id == photoId);
        if (p is null) return NotFound;
        if (p.IsTakenDown) return EditorResult.Refused("A taken-down photo cannot be the cover.");
        var gallery = await db.Set<Gallery>().FirstOrDefaultAsync(g => g.ShowId == showId, ct);
        if (gallery is null) db.Set<Gallery>().Add(gallery = new Gallery { ShowId = showId });
        (gallery.CoverPhotoId, gallery.UpdatedAt) = (photoId, clock.GetUtcNow());
        return await CommitAsync(ct) ?? EditorResult.Done($"{Name(photos, p)} is now the cover.");
    }

    public async Task<EditorResult> RetryAsync(int showId, int photoId, CancellationToken ct)
    {
        var p = await db.Set<Photo>().FirstOrDefaultAsync(x => x.Id == photoId && x.ShowId == showId, ct);
        if (p is null) return NotFound;
        if (p.Status == PhotoStatus.Failed) p.Status = PhotoStatus.Processing;
        p.LastError = null;
        queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(p.Id));
        var saved = await CommitAsync(ct);
        if (saved is not null) return saved;
        queue.Notify();
        return EditorResult.Done($"Processing {p.OriginalFileName} again.");
    }

    /// <summary>Publishes the given photos if every one passes the gate; otherwise publishes none and names each failing photo and why.</summary>
    public async Task<EditorResult> PublishAsync(int showId, IReadOnlyCollection<int> photoIds, Actor actor, CancellationToken ct)
    {
        if (photoIds.Count == 0) return EditorResult.Refused("Select the photos to publish first (tick \"Select\" on each).");
        var gallery = await LoadAsync(showId, ct);
        var chosen = gallery.Where(p => photoIds.Contains(p.Id)).ToList();
        if (chosen.Count == 0) return NotFound;
        var problems = GateProblems(gallery, chosen, clock.GetUtcNow());
        if (problems.Count > 0)
            return EditorResult.Refused($"Nothing was published: {problems.Count} of the {chosen.Count} photo(s) cannot be shown to readers yet.", problems);
        return await PublishPhotosAsync(gallery, chosen.Where(p => p.PublishedAt is null).ToList(), actor, ct);
    }

    /// <summary>
    /// Publishes every unpublished photo that passes the gate, except those an editor unpublished on purpose (they are
    /// named: publish each by its own button); says how many were left and why. <paramref name="why"/> goes into the log.
    /// </summary>
    public async Task<EditorResult> PublishAllReadyAsync(int showId, Actor actor, CancellationToken ct, string? why = null)
    {
        var gallery = await LoadAsync(showId, ct);
        var unpublished = gallery.Where(p => p.PublishedAt is null && !p.IsTakenDown).ToList();
        var held = unpublished.Where(p => p.HeldBack).ToList();
        var candidates = unpublished.Except(held).ToList();
        var now = clock.GetUtcNow();
        var ready = candidates.Where(p => p.GateProblems(now).Count == 0).ToList();
        var left = GateProblems(gallery, candidates, now)
            .Concat(held.Select(p => $"{Name(gallery, p)}: unpublished on purpose; publish it by its own \"Publish\" button if it should be seen.")).ToList();
        if (ready.Count == 0)
            return EditorResult.Refused(unpublished.Count == 0 ? "Every photo is already published." : "No photo is ready to publish.", left);
        var result = await PublishPhotosAsync(gallery, ready, actor, ct, why);
        return left.Count == 0 ? result : result with { Message = result.Message + $" {left.Count} left unpublished:", Problems = left };
    }

    public async Task<EditorResult> UnpublishAsync(int showId, IReadOnlyCollection<int> photoIds, Actor actor, CancellationToken ct)
    {
        var gallery = await LoadAsync(showId, ct);
        var chosen = gallery.Where(p => photoIds.Contains(p.Id) && p.PublishedAt is not null).ToList();
        if (chosen.Count == 0) return EditorResult.Refused("Select published photos to unpublish.");
        var now = clock.GetUtcNow();
        foreach (var p in chosen)
        {
            (p.PublishedAt, p.UnpublishedAt) = (null, now);
            StudioLog.Record(db, actor, now, StudioActions.PhotoUnpublish, "photo", p.Id, Name(gallery, p));
        }
        await cdn.AddAsync(db, chosen.Select(p => p.Id).ToList(), [], "unpublish", ct); // saved with the unpublish
        return await CommitAsync(ct) ?? EditorResult.Done($"Unpublished {chosen.Count} photo(s): readers no longer see them.");
    }

    /// <summary>
    /// Deletes a photo. Refused while readers see it in a live article (take it down instead); while it is used anywhere
    /// else (a cover, an article's gallery) it needs <paramref name="confirmed"/>, and the refusal names the places.
    /// </summary>
    public async Task<EditorResult> DeleteAsync(int showId, int photoId, bool confirmed, Actor actor, CancellationToken ct)
    {
        var gallery = await LoadAsync(showId, ct);
        var p = gallery.FirstOrDefault(x => x.Id == photoId);
        if (p is null) return NotFound;
        var places = (await usage.PlacesAsync(p, ct)).Where(u => u.Kind != "gallery").ToList();
        if (places.Any(u => u.Kind == "article" && u.LiveForReaders))
            return EditorResult.Refused($"{Name(gallery, p)} is live in a published article, so it cannot be deleted: take it down instead.",
                places.Where(u => u.LiveForReaders).Select(u => u.Label).ToList());
        if (places.Count > 0 && !confirmed)
            return EditorResult.AskFirst($"{Name(gallery, p)} is used in {places.Count} place(s). Delete it anyway?", places.Select(u => u.Label).ToList());
        StudioLog.Record(db, actor, clock.GetUtcNow(), StudioActions.Delete, "photo", p.Id, Name(gallery, p));
        db.Remove(p); // the cover is cleared by its foreign key; the sweeper removes the files
        gallery.Remove(p);
        Renumber(gallery);
        return await CommitAsync(ct) ?? EditorResult.Done($"Deleted {p.OriginalFileName}.");
    }

    /// <summary>The gate, for a set of photos: one line per failing photo, "At Dior, photo 3 (IMG_0412.jpg): no alt text."</summary>
    public static List<string> GateProblems(IReadOnlyList<Photo> gallery, IEnumerable<Photo> photos, DateTimeOffset now) =>
        photos.Select(p => (p, issues: p.GateProblems(now))).Where(x => x.issues.Count > 0)
            .Select(x => $"{Name(gallery, x.p)}: {string.Join("; ", x.issues)}.").ToList();

    private async Task<EditorResult> PublishPhotosAsync(List<Photo> gallery, List<Photo> photos, Actor actor, CancellationToken ct, string? why = null)
    {
        var now = clock.GetUtcNow();
        MarkPublished(gallery, photos, actor, now, why);
        var saved = await CommitAsync(ct);
        if (saved is not null) return saved;
        var show = gallery.FirstOrDefault()?.Show;
        var note = show is null || show.IsLive(now) ? "readers see them now." : $"readers see them when the show goes live ({(show.Status == ShowStatus.Draft ? "the show is a draft: publish it" : "scheduled")}).";
        return EditorResult.Done($"Published {photos.Count} photo(s): {note}");
    }

    private void MarkPublished(List<Photo> gallery, List<Photo> photos, Actor actor, DateTimeOffset now, string? why)
    {
        foreach (var p in photos)
        {
            (p.PublishedAt, p.UnpublishedAt) = (now, null);
            StudioLog.Record(db, actor, now, StudioActions.PhotoPublish, "photo", p.Id, Name(gallery, p), why);
        }
    }

    internal static void Renumber(List<Photo> photos)
    {
        for (int k = 0; k < photos.Count; k++) photos[k].Position = k + 1;
    }

    /// <summary>One transaction for the command's changes (and any render jobs); evicts public pages. Null on success.</summary>
    private async Task<EditorResult?> CommitAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries<Photo>().Where(e => e.State == EntityState.Modified)) entry.Entity.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return EditorResult.Refused("A photo changed while you were editing (probably it finished processing). Your changes are still in the form: save again.");
        }
        await cache.InvalidateAsync(ct);
        return null;
    }

    private static readonly EditorResult NotFound = EditorResult.Refused("That photo is not in this gallery.");

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
