using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Seeding;
using Backstage.Web.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Hosting;

/// <summary>
/// Command-line operations for production: "migrate", "admin create --email … [--role Admin|Editor] [--name …]" and
/// "media migrate-to-s3" (<see cref="MediaMigration"/>).
/// The password comes from BACKSTAGE_ADMIN_PASSWORD or standard input, never from the command line.
/// </summary>
public static class OperatorCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "migrate" or "admin" or "media";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader stdin, TextWriter stdout, TextWriter? stderr = null)
    {
        try
        {
            return await RunCommandAsync(services, args, stdin, stdout);
        }
        catch (Exception e) when (DbErrors.ExplainConnectionFailure(e, ConnectionString(services)) is { } problem)
        {
            (stderr ?? stdout).WriteLine(problem);
            return 1;
        }
    }

    private static string? ConnectionString(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<BackstageDbContext>().Database.GetConnectionString();
    }

    private static async Task<int> RunCommandAsync(IServiceProvider services, string[] args, TextReader stdin, TextWriter stdout)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        if (args[0] == "migrate")
        {
            await sp.GetRequiredService<BackstageDbContext>().ApplyMigrationsAsync();
            await sp.GetRequiredService<Seeder>().SeedAsync(demo: false);
            stdout.WriteLine("Database is up to date.");
            return 0;
        }
        if (args is ["media", "migrate-to-s3"]) return await MediaMigration.RunAsync(sp, stdout);
        if (args is not ["admin", "create", ..])
        {
            stdout.WriteLine("usage: admin create --email EMAIL [--role Admin|Editor] [--name NAME]  (password from BACKSTAGE_ADMIN_PASSWORD or stdin)");
            return 2;
        }
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var email = Option("--email");
        var role = Option("--role") ?? Roles.Admin;
        if (string.IsNullOrWhiteSpace(email) || role is not (Roles.Admin or Roles.Editor))
        {
            stdout.WriteLine("admin create needs --email, and --role must be Admin or Editor.");
            return 2;
        }
        var password = Environment.GetEnvironmentVariable("BACKSTAGE_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(password)) password = stdin.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            stdout.WriteLine("No password: set BACKSTAGE_ADMIN_PASSWORD or pipe it on standard input.");
            return 2;
        }
        await sp.GetRequiredService<BackstageDbContext>().ApplyMigrationsAsync();
        await sp.GetRequiredService<Seeder>().SeedAsync(demo: false);
        var result = await AccountCommands.CreateUserAsync(sp.GetRequiredService<UserManager<AppUser>>(), email, Option("--name") ?? email, password, role);
        stdout.WriteLine(result.Succeeded
            ? $"Created {role.ToLowerInvariant()} {email}."
            : "Could not create the account: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        return result.Succeeded ? 0 : 1;
    }
}
