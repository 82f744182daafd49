using System.Globalization;
using System.Text.RegularExpressions;
using Backstage.Web.Accounts;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>The fields of one photo the contact sheet's inspector edits.</summary>
public enum PhotoField { AltText, Caption, Credit, Agency, Decorative, FocalX, FocalY }

/// <summary>One field an editor changed: what it was when they started (<paramref name="Original"/>) and what they typed.</summary>
public sealed record FieldChange(PhotoField Field, string? Original, string? Value);

/// <summary>A field someone else changed meanwhile: theirs is kept, the editor's typed value is handed back.</summary>
public sealed record FieldConflict(PhotoField Field, string? Theirs, string? Yours);

public sealed record PhotoSaveResult(bool Ok, string Message, IReadOnlyList<FieldConflict> Conflicts, IReadOnlyList<string> UnknownCodes,
    Photo? Photo, IReadOnlyList<string>? Problems = null);

/// <summary>A template for a selection: each non-empty field is filled in (variables replaced, then codes expanded).</summary>
public sealed record PhotoTemplate(string? Caption, string? Credit, string? Agency, string? AltText);

/// <summary>How a template went: refused, waiting for "Replace N fields" to be confirmed, or done.</summary>
public sealed record TemplateResult(bool Ok, string Message, int Filled, int Overwrites, bool NeedsConfirmation = false, IReadOnlyList<string>? Problems = null);

public sealed partial class GalleryEditor
{
    public static readonly IReadOnlyDictionary<PhotoField, (string Label, int MaxLength)> Fields = new Dictionary<PhotoField, (string, int)>
    {
        [PhotoField.AltText] = ("Alt text", 500), [PhotoField.Caption] = ("Caption", 1000), [PhotoField.Credit] = ("Credit", 120),
        [PhotoField.Agency] = ("Agency", 120), [PhotoField.Decorative] = ("Decorative", 5), [PhotoField.FocalX] = ("Focal point x", 8),
        [PhotoField.FocalY] = ("Focal point y", 8),
    };

    private static bool Expands(PhotoField f) => f is PhotoField.AltText or PhotoField.Caption or PhotoField.Credit;

    /// <summary>A field's value as the inspector shows it (focal point in percent, one decimal).</summary>
    public static string? Current(Photo p, PhotoField f) => f switch
    {
        PhotoField.AltText => Clean(p.AltText),
        PhotoField.Caption => Clean(p.Caption),
        PhotoField.Credit => Clean(p.Credit),
        PhotoField.Agency => Clean(p.Agency),
        PhotoField.Decorative => p.Decorative ? "true" : "false",
        PhotoField.FocalX => Percent(p.FocalX),
        PhotoField.FocalY => Percent(p.FocalY),
        _ => null,
    };

    public static string Percent(double fraction) => Math.Round(fraction * 100, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>What a posted value means, so "50" and "50.0", "on" and "true", " x " and "x" compare equal.</summary>
    private static string? Normalize(PhotoField f, string? v) => f switch
    {
        PhotoField.Decorative => v is not null && (v.Contains("true", StringComparison.OrdinalIgnoreCase) || v == "on") ? "true" : "false",
        PhotoField.FocalX or PhotoField.FocalY => string.IsNullOrWhiteSpace(v) ? "50"
            : double.TryParse(v.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? Math.Round(d, 1).ToString(CultureInfo.InvariantCulture) : v.Trim(),
        _ => Clean(v),
    };

    /// <summary>
    /// Saves one photo's changed fields, merged per field: a field is written only if this editor changed it and nobody
    /// else changed it since they loaded it (its current value is still <see cref="FieldChange.Original"/>). A field both
    /// changed differently is a conflict: theirs stays, the editor gets theirs and their own text back. Other fields of
    /// the same photo are still saved. Alt text, caption and credit go through the code replacements.
    /// </summary>
    public async Task<PhotoSaveResult> SavePhotoAsync(int showId, int photoId, IReadOnlyList<FieldChange> changes, CancellationToken ct)
    {
        var table = await codes.ForShowAsync(showId, ct);
        for (int attempt = 0; ; attempt++)
        {
            var gallery = await LoadAsync(showId, ct);
            var p = gallery.FirstOrDefault(x => x.Id == photoId);
            if (p is null) return new PhotoSaveResult(false, NotFound.Message, [], [], null);
            var conflicts = new List<FieldConflict>();
            var unknown = new List<string>();
            var problems = new List<string>();
            var written = 0;
            var focalMoved = false;
            foreach (var change in changes.DistinctBy(c => c.Field))
            {
                var original = Normalize(change.Field, change.Original);
                var value = Normalize(change.Field, change.Value);
                if (original == value) continue; // not changed by this editor: whatever is stored stays
                if (Expands(change.Field))
                {
                    var (expanded, missing) = table.Expand(value);
                    value = expanded;
                    unknown.AddRange(missing);
                }
                var (label, max) = Fields[change.Field];
                if (change.Field is PhotoField.FocalX or PhotoField.FocalY
                    && (!double.TryParse(value, CultureInfo.InvariantCulture, out var pct) || pct is < 0 or > 100))
                {
                    problems.Add($"{label}: the focal point is a percentage from 0 to 100.");
                    continue;
                }
                if (value is not null && value.Length > max)
                {
                    problems.Add($"{label}: at most {max} characters ({value.Length} after code replacements).");
                    continue;
                }
                var current = Current(p, change.Field);
                if (current == value) continue; // someone else typed the same
                if (current != original)
                {
                    conflicts.Add(new FieldConflict(change.Field, current, value));
                    continue;
                }
                Apply(p, change.Field, value);
                written++;
                focalMoved |= change.Field is PhotoField.FocalX or PhotoField.FocalY;
            }
            if (problems.Count > 0)
                return new PhotoSaveResult(false, $"Nothing was saved for {Name(gallery, p)}: " + string.Join(" ", problems), [], unknown.Distinct().ToList(), p, problems);
            var render = focalMoved && !p.IsTakenDown && p.FocalKey != p.RenderedFocalKey;
            if (render) queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(p.Id));
            if (written > 0)
            {
                try
                {
                    await SaveWithStampAsync(ct);
                }
                catch (DbUpdateConcurrencyException) when (attempt < 3)
                {
                    db.ChangeTracker.Clear(); // another save (or the renderer) committed between our read and write: merge again
                    continue;
                }
                await cache.InvalidateAsync(ct);
                if (render) queue.Notify();
            }
            var number = gallery.IndexOf(p) + 1;
            var message = written == 0 && conflicts.Count == 0 ? $"Photo {number}: nothing to save." : $"Saved photo {number}.";
            if (unknown.Count > 0)
                message += $" Unknown code{(unknown.Distinct().Count() == 1 ? "" : "s")} {string.Join(", ", unknown.Distinct())} left as typed: add {(unknown.Distinct().Count() == 1 ? "it" : "them")} under Code replacements.";
            if (conflicts.Count > 0)
                message = (written > 0 ? message + " " : "") + string.Join(" ", conflicts.Select(c =>
                    $"{Fields[c.Field].Label} of photo {number} was changed by someone else while you typed (now “{c.Theirs}”): yours is kept in the form; save again to replace theirs."));
            return new PhotoSaveResult(conflicts.Count == 0, message, conflicts, unknown.Distinct().ToList(), p);
        }
    }

    private static void Apply(Photo p, PhotoField f, string? value)
    {
        switch (f)
        {
            case PhotoField.AltText: p.AltText = value; break;
            case PhotoField.Caption: p.Caption = value; break;
            case PhotoField.Credit: p.Credit = value; break;
            case PhotoField.Agency: p.Agency = value; break;
            case PhotoField.Decorative: p.Decorative = value == "true"; break;
            case PhotoField.FocalX: p.FocalX = Math.Clamp(double.Parse(value!, CultureInfo.InvariantCulture) / 100, 0, 1); break;
            case PhotoField.FocalY: p.FocalY = Math.Clamp(double.Parse(value!, CultureInfo.InvariantCulture) / 100, 0, 1); break;
        }
    }

    private async Task SaveWithStampAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries<Photo>().Where(e => e.State == EntityState.Modified)) entry.Entity.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Moves one photo to <paramref name="position"/> (1-based, clamped); the others close up behind it.</summary>
    public async Task<EditorResult> MoveToAsync(int showId, int photoId, int position, Actor actor, CancellationToken ct)
    {
        var photos = await LoadAsync(showId, ct);
        int i = photos.FindIndex(p => p.Id == photoId);
        if (i < 0) return NotFound;
        var p = photos[i];
        int to = Math.Clamp(position, 1, photos.Count);
        if (to == i + 1) return EditorResult.Done($"{p.OriginalFileName} is already photo {to}.");
        photos.RemoveAt(i);
        photos.Insert(to - 1, p);
        Renumber(photos);
        StudioLog.Record(db, actor, clock.GetUtcNow(), StudioActions.PhotoMove, "photo", p.Id, $"{p.Show?.Title}: photo {i + 1} → {to} ({p.OriginalFileName})");
        return await CommitAsync(ct) ?? EditorResult.Done($"Moved {p.OriginalFileName} from position {i + 1} to {to}.");
    }

    [GeneratedRegex(@"\{([a-z]+)\}")]
    private static partial Regex TemplateVariable();

    public static readonly string[] TemplateVariables = ["designer", "show", "season", "city", "date", "n", "credit"];

    /// <summary>A template's text for one photo; unknown {variables} stay visible.</summary>
    public static string Fill(string template, Show show, int n, string? credit) => TemplateVariable().Replace(template, m => m.Groups[1].Value switch
    {
        "designer" => show.Designer,
        "show" => $"{show.Designer} {show.Season}",
        "season" => show.Season,
        "city" => show.City,
        "date" => show.Date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
        "n" => n.ToString(CultureInfo.InvariantCulture),
        "credit" => credit ?? "",
        _ => m.Value,
    });

    /// <summary>
    /// Applies a template to the selected photos. By default it fills only empty fields; with <paramref name="replace"/>
    /// it overwrites too, but only once the editor has confirmed the number of fields it will overwrite
    /// (<paramref name="confirmedOverwrites"/>, else the result asks). One identical alt text on several photos is refused.
    /// </summary>
    public async Task<TemplateResult> ApplyTemplateAsync(int showId, IReadOnlyCollection<int> photoIds, PhotoTemplate template, bool replace,
        int? confirmedOverwrites, Actor actor, CancellationToken ct)
    {
        if (photoIds.Count == 0) return new TemplateResult(false, "Select the photos to apply the template to first.", 0, 0);
        var fields = new (PhotoField Field, string? Text)[]
        {
            (PhotoField.Credit, template.Credit), (PhotoField.Agency, template.Agency), (PhotoField.Caption, template.Caption), (PhotoField.AltText, template.AltText),
        }.Where(f => !string.IsNullOrWhiteSpace(f.Text)).ToList();
        if (fields.Count == 0) return new TemplateResult(false, "Type a caption, credit, agency or alt text template to apply.", 0, 0);
        var gallery = await LoadAsync(showId, ct);
        var chosen = gallery.Where(p => photoIds.Contains(p.Id) && !p.IsTakenDown).ToList();
        if (chosen.Count == 0) return new TemplateResult(false, NotFound.Message, 0, 0);
        var show = chosen[0].Show!;
        var table = await codes.ForShowAsync(showId, ct);
        var planned = new List<(Photo Photo, PhotoField Field, string Value, bool Overwrites)>();
        var unknown = new List<string>();
        foreach (var p in chosen)
        {
            var n = gallery.IndexOf(p) + 1;
            var credit = Clean(p.Credit);
            foreach (var (field, text) in fields)
            {
                var (value, missing) = table.Expand(Fill(text!.Trim(), show, n, credit));
                unknown.AddRange(missing);
                value = Clean(value);
                if (value is null) continue;
                var current = Current(p, field);
                if (field == PhotoField.Credit && (current is null || replace)) credit = value; // {credit} in a later field sees the new credit
                if (current == value) continue;
                if (current is null) planned.Add((p, field, value, false));
                else if (replace) planned.Add((p, field, value, true));
            }
        }
        foreach (var (field, (label, max)) in Fields)
            if (planned.FirstOrDefault(x => x.Field == field && x.Value.Length > max) is { Photo: not null } tooLong)
                return new TemplateResult(false, $"Nothing was changed: the {label.ToLowerInvariant()} template gives {tooLong.Value.Length} characters for photo {gallery.IndexOf(tooLong.Photo) + 1} (at most {max}).", 0, 0);
        var alts = planned.Where(x => x.Field == PhotoField.AltText).ToList();
        var sameAlt = alts.Select(x => x.Value).Concat(gallery.Where(p => !alts.Any(a => a.Photo == p) && !p.IsTakenDown).Select(p => Clean(p.AltText)).OfType<string>())
            .GroupBy(v => v, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1 && alts.Any(a => string.Equals(a.Value, g.Key, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(g => g.Count()).FirstOrDefault();
        if (sameAlt is not null)
            return new TemplateResult(false,
                $"Nothing was changed: the alt text template gives {sameAlt.Count()} photos the same alt text (“{sameAlt.Key}”). The same description for many pictures helps no blind reader: write each photo's alt text in the inspector (a caption may repeat).", 0, 0);
        var overwrites = planned.Count(x => x.Overwrites);
        if (overwrites > 0 && confirmedOverwrites != overwrites)
            return new TemplateResult(false,
                $"Replace will overwrite {overwrites} field{(overwrites == 1 ? "" : "s")} that already have text ({string.Join(", ", planned.Where(x => x.Overwrites).GroupBy(x => x.Field).Select(g => $"{g.Count()} {Fields[g.Key].Label.ToLowerInvariant()}"))}) and fill {planned.Count - overwrites} empty one{(planned.Count - overwrites == 1 ? "" : "s")}. Confirm to go ahead.",
                planned.Count - overwrites, overwrites, NeedsConfirmation: true);
        if (planned.Count == 0)
            return new TemplateResult(true, $"Nothing to fill: the {chosen.Count} selected photo(s) already have these fields{(replace ? " with this text" : " (choose Replace to overwrite them)")}.", 0, 0);
        foreach (var (p, field, value, _) in planned) Apply(p, field, value);
        StudioLog.Record(db, actor, clock.GetUtcNow(), StudioActions.ApplyTemplate, "show", showId,
            $"{planned.Select(x => x.Photo).Distinct().Count()} photo(s), {planned.Count} field(s), {overwrites} overwritten",
            string.Join(" | ", fields.Select(f => $"{Fields[f.Field].Label}: {f.Text}")));
        var saved = await CommitAsync(ct);
        if (saved is not null) return new TemplateResult(false, saved.Message, 0, 0);
        var msg = $"Applied the template: filled {planned.Count - overwrites} empty field(s)" + (overwrites > 0 ? $" and replaced {overwrites}" : "") + $" on {planned.Select(x => x.Photo).Distinct().Count()} photo(s).";
        if (unknown.Count > 0) msg += $" Unknown code(s) {string.Join(", ", unknown.Distinct())} left as typed.";
        return new TemplateResult(true, msg, planned.Count - overwrites, overwrites);
    }

    /// <summary>The next photo after <paramref name="photoId"/> (wrapping round) that still needs alt text or a credit, or is unpublished.</summary>
    public static Photo? NextNeedingWork(IReadOnlyList<Photo> gallery, int photoId)
    {
        int i = gallery.ToList().FindIndex(p => p.Id == photoId);
        return gallery.Skip(i + 1).Concat(gallery.Take(Math.Max(i, 0))).FirstOrDefault(p => !p.IsTakenDown && (p.NeedsAlt || p.NeedsCredit || p.PublishedAt is null));
    }
}
