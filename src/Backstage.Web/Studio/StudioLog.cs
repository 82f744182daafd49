using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Studio;

/// <summary>
/// One entry of the studio log: publish, unpublish, schedule, embargo change, photo publish, takedown, restore, delete,
/// bulk credit. Append-only: a trigger (<see cref="AuditSql"/>) refuses UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class StudioAuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string? ActorId { get; set; }
    public string Actor { get; set; } = "";
    /// <summary>One of <see cref="StudioActions.All"/>.</summary>
    public string Action { get; set; } = "";
    /// <summary>"article", "show", "photo" or "newsletter" (an issue).</summary>
    public string SubjectKind { get; set; } = "";
    public int SubjectId { get; set; }
    /// <summary>What, in words: "At Dior, photo 3 (IMG_0412.jpg)".</summary>
    public string What { get; set; } = "";
    public string? Why { get; set; }
}

public static class StudioActions
{
    public const string Publish = "publish", Unpublish = "unpublish", Schedule = "schedule", Embargo = "embargo",
        WentLive = "went-live", PhotoPublish = "photo-publish", PhotoUnpublish = "photo-unpublish", Takedown = "takedown",
        Restore = "restore", Delete = "delete", BulkCredit = "bulk-credit",
        Rights = "rights", ExtendLicence = "extend-licence", LicenceExpired = "licence-expired", ApplyTemplate = "apply-template", PhotoMove = "photo-move",
        LiveCoverageStart = "live-coverage-start", LiveCoverageEnd = "live-coverage-end",
        NewsletterSend = "newsletter-send", NewsletterSchedule = "newsletter-schedule", NewsletterUnschedule = "newsletter-unschedule";
    public static readonly string[] All = [Publish, Unpublish, Schedule, Embargo, WentLive, PhotoPublish, PhotoUnpublish, Takedown, Restore, Delete, BulkCredit,
        Rights, ExtendLicence, LicenceExpired, ApplyTemplate, PhotoMove, LiveCoverageStart, LiveCoverageEnd,
        NewsletterSend, NewsletterSchedule, NewsletterUnschedule];
}

public static class StudioLog
{
    /// <summary>Adds an entry to <paramref name="db"/>'s change tracker: it commits with the change it records.</summary>
    public static void Record(BackstageDbContext db, Actor actor, DateTimeOffset at, string action, string subjectKind, int subjectId,
        string what, string? why = null) =>
        db.Set<StudioAuditEntry>().Add(new StudioAuditEntry
        {
            At = at, ActorId = actor.Id, Actor = Clip(actor.Name, 256), Action = action, SubjectKind = subjectKind,
            SubjectId = subjectId, What = Clip(what, 1000), Why = why is null ? null : Clip(why, 1000),
        });

    private static string Clip(string s, int max) => s.Length > max ? s[..max] : s;
}

internal sealed class StudioAuditConfiguration : IEntityTypeConfiguration<StudioAuditEntry>
{
    public void Configure(EntityTypeBuilder<StudioAuditEntry> b)
    {
        b.ToTable("studio_audit");
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.ActorId).HasMaxLength(450);
        b.Property(a => a.Action).HasMaxLength(32);
        b.Property(a => a.SubjectKind).HasMaxLength(16);
        b.Property(a => a.What).HasMaxLength(1000);
        b.Property(a => a.Why).HasMaxLength(1000);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.SubjectKind, a.SubjectId });
    }
}
