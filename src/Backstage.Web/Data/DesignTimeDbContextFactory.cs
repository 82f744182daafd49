using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Backstage.Web.Data;

/// <summary>Lets "dotnet ef migrations add" build the model without starting the app (or a database).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BackstageDbContext>
{
    public BackstageDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<BackstageDbContext>()
        .UseNpgsql("Host=localhost;Database=backstage_design")
        .UseSnakeCaseNamingConvention()
        .Options);
}
