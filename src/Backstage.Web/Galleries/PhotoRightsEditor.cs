using Backstage.Web.Accounts;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Backstage.Web.Studio;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>A new value for one field; a null <see cref="RightsChange"/> member leaves the field as it is.</summary>
public sealed record Set<T>(T Value);

/// <summary>What to change in the rights of one photo or a selection: null members are left alone (bulk edit).</summary>
public sealed record RightsChange
{
    public RightsCategory? Category { get; init; }
    public Set<string?>? Source { get; init; }
    public Set<string?>? UsageTerms { get; init; }
    public Set<DateTimeOffset?>? ValidFrom { get; init; }
    public Set<DateTimeOffset?>? ValidUntil { get; init; }
    /// <summary>"Valid until" = each photo's upload time + this many days (a credit preset's default).</summary>
    public int? ValidDaysFromUpload { get; init; }
    public bool? NoSocial { get; init; }
    public bool? NotInNewsletters { get; init; }
    public bool? NotInSearch { get; init; }
    public bool? EditorialOnly { get; init; }
    public Set<string?>? Note { get; init; }
}

public sealed record RightsResult(bool Ok, string Message, int Changed = 0)
{
    public static RightsResult Refused(string message) => new(false, message);
}

/// <summary>
/// Changes photos' rights (the photo page's Rights form, bulk edit on a selection, a credit preset) in one transaction:
/// one studio-log row per photo naming what changed, the expiry job for each new "valid until", and — after the commit —
/// public pages evicted on every node and, for photos that left the public surfaces, their media evicted and
/// <see cref="IPublicPhotoRemoval"/> told. "Extend licence" is <see cref="ExtendAsync"/>.
/// </summary>
public sealed class PhotoRightsEditor(BackstageDbContext db, JobQueue queue, PublicCache cache, GalleryVisibility visibility,
    IPublicPhotoRemoval removal, SiteTime time)
{
    public async Task<RightsResult> ApplyAsync(IReadOnlyCollection<int> photoIds, RightsChange change, Actor actor, CancellationToken ct, string? why = null)
    {
        var ids = photoIds.Distinct().ToArray();
        if (ids.Length == 0) return RightsResult.Refused("Select the photos whose rights to change first.");
        var before = await PublicAsync(ids, ct);
        var changed = await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var photos = await db.Set<Photo>().Include(p => p.Show).Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id).ToListAsync(ct);
            var n = 0;
            foreach (var p in photos)
            {
                var diff = Apply(p, change);
                if (diff.Count == 0) continue;
                n++;
                p.UpdatedAt = time.Now;
                if (p.ValidUntil is null || p.ValidUntil > time.Now) p.LicenceExpiredAt = null;
                StudioLog.Record(db, actor, time.Now, StudioActions.Rights, "photo", p.Id, Takedown.Describe(p),
                    (why is null ? "" : why + ": ") + string.Join("; ", diff));
                await RightsExpiry.ScheduleAsync(db, queue, p, ct);
            }
            await db.SaveChangesAsync(ct);
            return n;
        }, ct);
        if (changed == 0) return new(true, "Nothing to change: the rights were already so.");
        queue.Notify();
        await AfterChangeAsync(ids, before, ct);
        return new(true, $"Rights changed on {changed} photo(s).", changed);
    }

    /// <summary>"Extend licence": a new "valid until" (later than now), logged; the photo returns wherever it was public.</summary>
    public async Task<RightsResult> ExtendAsync(int photoId, DateTimeOffset until, Actor actor, CancellationToken ct)
    {
        if (until <= time.Now) return RightsResult.Refused($"Valid until: {time.Format(until)} is not in the future. Choose a later date.");
        var before = await PublicAsync([photoId], ct);
        var done = await db.InTransactionAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM photos WHERE id = {photoId} FOR UPDATE").ToListAsync(ct);
            var p = await db.Set<Photo>().Include(x => x.Show).FirstOrDefaultAsync(x => x.Id == photoId, ct);
            if (p is null) return false;
            if (p.ValidFrom is { } from && from >= until) return false;
            StudioLog.Record(db, actor, time.Now, StudioActions.ExtendLicence, "photo", p.Id, Takedown.Describe(p),
                $"valid until {time.Format(p.ValidUntil)} → {time.Format(until)} ({time.ZoneName})");
            (p.ValidUntil, p.LicenceExpiredAt, p.UpdatedAt) = (until, null, time.Now);
            await RightsExpiry.ScheduleAsync(db, queue, p, ct);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        if (!done) return RightsResult.Refused("Valid until: the photo is gone, or the new date is not after its \"valid from\".");
        queue.Notify();
        await AfterChangeAsync([photoId], before, ct);
        return new(true, $"Licence extended to {time.Format(until)} ({time.ZoneName}).", 1);
    }

    private async Task<HashSet<int>> PublicAsync(int[] ids, CancellationToken ct) =>
        (await visibility.PublicPhotos().Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();

    private async Task AfterChangeAsync(int[] ids, HashSet<int> before, CancellationToken ct)
    {
        var after = await PublicAsync(ids, ct);
        var left = before.Except(after).ToList();
        foreach (var id in left) await cache.InvalidatePhotoAsync(id, ct);
        await cache.InvalidateAsync(ct);
        if (left.Count > 0) await removal.PhotoLeftPublicAsync(left, ct);
    }

    /// <summary>Applies <paramref name="c"/> to <paramref name="p"/>; returns "Field: old → new" for each field that changed.</summary>
    private List<string> Apply(Photo p, RightsChange c)
    {
        var diff = new List<string>();
        void Text(string label, Set<string?>? set, int max, Func<string?> get, Action<string?> assign)
        {
            if (set is null) return;
            var v = string.IsNullOrWhiteSpace(set.Value) ? null : set.Value.Trim();
            if (v is { Length: > 0 } && v.Length > max) v = v[..max];
            if (v == get()) return;
            diff.Add(label == "Usage terms" || label == "Desk note" ? label + " changed" : $"{label}: {get() ?? "—"} → {v ?? "—"}");
            assign(v);
        }
        void Flag(string label, bool? set, Func<bool> get, Action<bool> assign)
        {
            if (set is not { } v || v == get()) return;
            diff.Add($"{label}: {(v ? "on" : "off")}");
            assign(v);
        }
        void When(string label, DateTimeOffset? v, Func<DateTimeOffset?> get, Action<DateTimeOffset?> assign)
        {
            if (v == get()) return;
            diff.Add($"{label}: {time.Format(get())} → {time.Format(v)}");
            assign(v);
        }
        if (c.Category is { } cat && cat != p.RightsCategory)
        {
            diff.Add($"Category: {Rights.Label(p.RightsCategory)} → {Rights.Label(cat)}");
            p.RightsCategory = cat;
        }
        Text("Source", c.Source, 120, () => p.RightsSource, v => p.RightsSource = v);
        Text("Usage terms", c.UsageTerms, 2000, () => p.UsageTerms, v => p.UsageTerms = v);
        if (c.ValidFrom is { } from) When("Valid from", from.Value, () => p.ValidFrom, v => p.ValidFrom = v);
        if (c.ValidUntil is { } until) When("Valid until", until.Value, () => p.ValidUntil, v => p.ValidUntil = v);
        else if (c.ValidDaysFromUpload is { } days) When("Valid until", p.CreatedAt.AddDays(days), () => p.ValidUntil, v => p.ValidUntil = v);
        Flag(Rights.NoSocialLabel, c.NoSocial, () => p.NoSocial, v => p.NoSocial = v);
        Flag(Rights.NotInNewslettersLabel, c.NotInNewsletters, () => p.NotInNewsletters, v => p.NotInNewsletters = v);
        Flag(Rights.NotInSearchLabel, c.NotInSearch, () => p.NotInSearch, v => p.NotInSearch = v);
        Flag(Rights.EditorialOnlyLabel, c.EditorialOnly, () => p.EditorialOnly, v => p.EditorialOnly = v);
        Text("Desk note", c.Note, 1000, () => p.RightsNote, v => p.RightsNote = v);
        return diff;
    }
}
