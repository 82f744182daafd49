using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Backstage.Web.Data;

public static class DbErrors
{
    /// <summary>
    /// One line for an operator when the database cannot be used at all (unreachable server, refused sign-in, missing
    /// database): what is wrong and which setting fixes it. Null for any other failure, which keeps its stack trace.
    /// </summary>
    public static string? ExplainConnectionFailure(Exception e, string? connectionString)
    {
        while (e is not NpgsqlException && e.InnerException is { } inner) e = inner; // EF wraps retried failures
        if (e is not NpgsqlException npgsql) return null;
        var cs = new NpgsqlConnectionStringBuilder(connectionString ?? "");
        const string setting = "ConnectionStrings__Backstage";
        return npgsql switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                $"Database \"{cs.Database}\" does not exist on {cs.Host}. Create it (createdb -O {cs.Username} {cs.Database}) or fix Database= in {setting}.",
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
                $"PostgreSQL on {cs.Host} refused user \"{cs.Username}\": {p.MessageText}. Fix Username= and Password= in {setting}.",
            PostgresException p => $"PostgreSQL on {cs.Host} refused the connection: {p.MessageText} ({p.SqlState}). Check {setting}.",
            _ => $"Cannot reach PostgreSQL at {cs.Host}:{cs.Port} ({npgsql.InnerException?.Message ?? npgsql.Message}). Start the server or fix Host= and Port= in {setting}.",
        };
    }

    /// <summary>True when a save failed on a unique index (e.g. two editors taking the same slug at once).</summary>
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
