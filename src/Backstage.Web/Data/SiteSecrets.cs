using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Backstage.Web.Data;

/// <summary>A random key made once per installation and shared by every app node (e.g. the comment IP-hash key).</summary>
public sealed class SiteSecret
{
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
}

internal sealed class SiteSecretConfiguration : IEntityTypeConfiguration<SiteSecret>
{
    public void Configure(EntityTypeBuilder<SiteSecret> b)
    {
        b.ToTable("site_secrets");
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(64);
    }
}

/// <summary>
/// Reads a named secret, creating it (32 random bytes) the first time; the first node to insert wins and every node
/// then reads the same value. Cached for the life of the process.
/// </summary>
public sealed class SiteSecrets(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, byte[]> _cache = new();

    public async Task<byte[]> GetAsync(string name, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(name, out var known)) return known;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var fresh = RandomNumberGenerator.GetBytes(32);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO site_secrets (name, value) VALUES ({name}, {fresh}) ON CONFLICT (name) DO NOTHING", ct);
        var value = await db.Set<SiteSecret>().AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleAsync(ct);
        return _cache.GetOrAdd(name, value);
    }
}
