using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Backstage.Web.Data;

namespace Backstage.Web.Accounts;

/// <summary>A one-time "sign in by email" token. Only its SHA-256 is stored, so the table cannot be replayed.</summary>
public sealed class SignInLink
{
    public long Id { get; set; }
    public string TokenHash { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class SignInLinkConfiguration : IEntityTypeConfiguration<SignInLink>
{
    public void Configure(EntityTypeBuilder<SignInLink> b)
    {
        b.ToTable("sign_in_links");
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.HasOne<AppUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Issues and redeems sign-in links: 15 minutes, once. Redeeming is one UPDATE … WHERE used_at IS NULL, so two nodes (or
/// a double click) can never both use one token.
/// </summary>
public sealed class SignInLinks(BackstageDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public async Task<string> IssueAsync(string userId, CancellationToken ct = default)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        db.Add(new SignInLink { TokenHash = Hash(token), UserId = userId, ExpiresAt = clock.GetUtcNow() + Lifetime });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>The user id the token signs in, or null (unknown, expired or already used).</summary>
    public async Task<string?> RedeemAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var now = clock.GetUtcNow();
        var hash = Hash(token);
        var ids = await db.Database.SqlQuery<string>($"""
            UPDATE sign_in_links SET used_at = {now}
            WHERE token_hash = {hash} AND used_at IS NULL AND expires_at > {now}
            RETURNING user_id AS "Value"
            """).ToListAsync(ct);
        await db.Set<SignInLink>().Where(l => l.ExpiresAt < now.AddDays(-1)).ExecuteDeleteAsync(ct);
        return ids.FirstOrDefault();
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
