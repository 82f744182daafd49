using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Backstage.Web.Data;

public static class DbErrors
{
    /// <summary>True when a save failed on a unique index (e.g. two editors taking the same slug at once).</summary>
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
