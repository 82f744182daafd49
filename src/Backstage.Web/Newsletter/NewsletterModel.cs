using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Newsletter;

/// <summary>A list readers join ("Fashion week daily"). The two launch lists are seeded by the migration.</summary>
public sealed class NewsletterList
{
    public int Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public int SortOrder { get; set; }
}

public enum SubscriberState { Pending, Confirmed, Unsubscribed, Bounced }

/// <summary>
/// One email address, account or not. Only the hash of its confirm/manage token is stored (SHA-256 of a random value that
/// travels in mailed links), so a database read does not hand out working links.
/// </summary>
public sealed class Subscriber
{
    public long Id { get; set; }
    /// <summary>Normalised (trimmed, lower-case) address: the unique key.</summary>
    public string Email { get; set; } = "";
    public SubscriberState State { get; set; }
    /// <summary>Hard bounces (SMTP 5xx for this recipient) since the last delivered message.</summary>
    public int BounceCount { get; set; }
    public string TokenHash { get; set; } = "";
    /// <summary>The signed-in reader who subscribed, if any (their lists show on "Your account").</summary>
    public string? UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }
}

/// <summary>A subscriber on a list. Rows exist from the subscribe form on; only a Confirmed subscriber is mailed.</summary>
public sealed class NewsletterSubscription
{
    public long SubscriberId { get; set; }
    public int ListId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum NewsletterIssueState { Draft, Scheduled, Sending, Sent }

/// <summary>One newsletter issue, composed in the studio; its stories are the picked articles and shows, in order.</summary>
public sealed class NewsletterIssue
{
    public long Id { get; set; }
    /// <summary>The web version's address, /newsletter/{slug}, once sent.</summary>
    public string Slug { get; set; } = "";
    public string Subject { get; set; } = "";
    public string IntroMarkdown { get; set; } = "";
    public NewsletterIssueState State { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset? SendStartedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>How many deliveries the send fanned out (the "of 10,000" in "sending 4,310 / 10,000").</summary>
    public int RecipientCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public uint Version { get; set; }
}

public enum StoryKind { Article, Show }

public sealed class NewsletterStory
{
    public long Id { get; set; }
    public long IssueId { get; set; }
    public StoryKind Kind { get; set; }
    /// <summary>The article's or show's id (what the story points at is re-checked against GalleryVisibility at send time).</summary>
    public int TargetId { get; set; }
    public int Position { get; set; }
}

/// <summary>Which lists an issue goes to.</summary>
public sealed class NewsletterIssueList
{
    public long IssueId { get; set; }
    public int ListId { get; set; }
}

public enum DeliveryState { Pending, Sent, Failed, Bounced, Skipped }

/// <summary>
/// One message of one issue to one subscriber: UNIQUE (issue_id, subscriber_id) is what makes a send exactly once, however
/// many nodes resume it. A worker claims a Pending row and marks it Sent in the same transaction as the SMTP hand-off.
/// </summary>
public sealed class NewsletterDelivery
{
    public long Id { get; set; }
    public long IssueId { get; set; }
    public long SubscriberId { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class NewsletterListConfiguration : IEntityTypeConfiguration<NewsletterList>
{
    public void Configure(EntityTypeBuilder<NewsletterList> b)
    {
        b.ToTable("newsletter_lists");
        b.Property(l => l.Slug).HasMaxLength(80);
        b.Property(l => l.Name).HasMaxLength(120);
        b.Property(l => l.Description).HasMaxLength(500);
        b.HasIndex(l => l.Slug).IsUnique();
        b.HasData(
            new NewsletterList { Id = 1, Slug = "fashion-week-daily", Name = "Fashion week daily", SortOrder = 1,
                Description = "Each morning of a fashion week: the shows of the day before, backstage." },
            new NewsletterList { Id = 2, Slug = "weeks-best-backstage", Name = "The week's best backstage", SortOrder = 2,
                Description = "Once a week: the galleries our editors liked best." });
    }
}

internal sealed class SubscriberConfiguration : IEntityTypeConfiguration<Subscriber>
{
    public void Configure(EntityTypeBuilder<Subscriber> b)
    {
        b.ToTable("newsletter_subscribers");
        b.Property(s => s.Email).HasMaxLength(256);
        b.HasIndex(s => s.Email).IsUnique();
        b.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.TokenHash).HasMaxLength(64);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.HasIndex(s => s.UserId);
        b.HasOne<Accounts.AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class NewsletterSubscriptionConfiguration : IEntityTypeConfiguration<NewsletterSubscription>
{
    public void Configure(EntityTypeBuilder<NewsletterSubscription> b)
    {
        b.ToTable("newsletter_subscriptions");
        b.HasKey(s => new { s.SubscriberId, s.ListId });
        b.HasIndex(s => s.ListId);
        b.HasOne<Subscriber>().WithMany().HasForeignKey(s => s.SubscriberId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<NewsletterList>().WithMany().HasForeignKey(s => s.ListId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NewsletterIssueConfiguration : IEntityTypeConfiguration<NewsletterIssue>
{
    public void Configure(EntityTypeBuilder<NewsletterIssue> b)
    {
        b.ToTable("newsletter_issues");
        b.Property(i => i.Slug).HasMaxLength(200);
        b.HasIndex(i => i.Slug).IsUnique();
        b.Property(i => i.Subject).HasMaxLength(200);
        b.Property(i => i.IntroMarkdown).HasMaxLength(20000);
        b.Property(i => i.State).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.CreatedBy).HasMaxLength(256);
        b.Property(i => i.Version).IsRowVersion();
        b.HasIndex(i => new { i.State, i.ScheduledFor });
    }
}

internal sealed class NewsletterStoryConfiguration : IEntityTypeConfiguration<NewsletterStory>
{
    public void Configure(EntityTypeBuilder<NewsletterStory> b)
    {
        b.ToTable("newsletter_stories");
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasOne<NewsletterIssue>().WithMany().HasForeignKey(s => s.IssueId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.IssueId, s.Position });
    }
}

internal sealed class NewsletterIssueListConfiguration : IEntityTypeConfiguration<NewsletterIssueList>
{
    public void Configure(EntityTypeBuilder<NewsletterIssueList> b)
    {
        b.ToTable("newsletter_issue_lists");
        b.HasKey(x => new { x.IssueId, x.ListId });
        b.HasOne<NewsletterIssue>().WithMany().HasForeignKey(x => x.IssueId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<NewsletterList>().WithMany().HasForeignKey(x => x.ListId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NewsletterDeliveryConfiguration : IEntityTypeConfiguration<NewsletterDelivery>
{
    public void Configure(EntityTypeBuilder<NewsletterDelivery> b)
    {
        b.ToTable("newsletter_deliveries");
        b.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(1000);
        // Exactly once per (issue, subscriber): a resumed or doubled fan-out cannot create a second message.
        b.HasIndex(d => new { d.IssueId, d.SubscriberId }).IsUnique();
        b.HasIndex(d => new { d.IssueId, d.State });
        b.HasOne<NewsletterIssue>().WithMany().HasForeignKey(d => d.IssueId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a subscriber (their data, on request) removes their delivery rows too.
        b.HasOne<Subscriber>().WithMany().HasForeignKey(d => d.SubscriberId).OnDelete(DeleteBehavior.Cascade);
    }
}
