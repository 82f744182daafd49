using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Email;

/// <summary>A message waiting for (or past) delivery; a "send-email" job carries its id.</summary>
public sealed class OutgoingEmail
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Makes a notification idempotent ("reply:123:user"): a second attempt to queue the same one is ignored.</summary>
    public string? DedupKey { get; set; }
    public string ToAddress { get; set; } = "";
    public string? ToName { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string? UnsubscribeUrl { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class OutgoingEmailConfiguration : IEntityTypeConfiguration<OutgoingEmail>
{
    public void Configure(EntityTypeBuilder<OutgoingEmail> b)
    {
        b.ToTable("outgoing_emails");
        b.Property(e => e.DedupKey).HasMaxLength(200);
        b.HasIndex(e => e.DedupKey).IsUnique();
        b.Property(e => e.ToAddress).HasMaxLength(256);
        b.Property(e => e.ToName).HasMaxLength(200);
        b.Property(e => e.Subject).HasMaxLength(300);
        b.Property(e => e.UnsubscribeUrl).HasMaxLength(1000);
    }
}
