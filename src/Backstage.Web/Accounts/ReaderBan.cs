using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Accounts;

/// <summary>
/// A banned reader can neither comment nor sign in again (the ban ends their sessions: see <see cref="AccountsSql"/>).
/// Moderators ban from the comments queue; the ban is the account's state, so it lives here. Unbanning deletes the row
/// (and writes an audit entry).
/// </summary>
public sealed class ReaderBan
{
    public string UserId { get; set; } = "";
    public string BannedById { get; set; } = "";
    public string? Reason { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class ReaderBanConfiguration : IEntityTypeConfiguration<ReaderBan>
{
    public void Configure(EntityTypeBuilder<ReaderBan> b)
    {
        b.ToTable("reader_bans");
        b.HasKey(x => x.UserId);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
