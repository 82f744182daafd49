using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Data;

/// <summary>The one way to run work in a transaction under the retrying execution strategy.</summary>
public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. On a transient failure (a database restart) the
    /// whole unit runs again from the start, with the change tracker cleared, so <paramref name="work"/> must build its
    /// changes inside the delegate.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this BackstageDbContext db, Func<Task<T>> work, CancellationToken ct) =>
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await tx.CommitAsync(ct);
            return result;
        });

    public static Task InTransactionAsync(this BackstageDbContext db, Func<Task> work, CancellationToken ct) =>
        db.InTransactionAsync(async () => { await work(); return true; }, ct);
}
