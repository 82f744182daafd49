using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Data;

public sealed class BackstageDbContext(DbContextOptions<BackstageDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Article> Articles => Set<Article>();
    public DbSet<Show> Shows => Set<Show>();
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys
        => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Each feature keeps its mapping in an IEntityTypeConfiguration next to this file.
        builder.ApplyConfigurationsFromAssembly(typeof(BackstageDbContext).Assembly);
    }
}
