namespace Backstage.Web.Comments;

/// <summary>
/// Purges old trash every hour. Safe on several nodes at once: rows are claimed with FOR UPDATE SKIP LOCKED, and
/// each purge writes its audit entry in the same transaction as the delete.
/// </summary>
internal sealed class TrashPurgeService(IServiceScopeFactory scopes, ILogger<TrashPurgeService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    var comments = scope.ServiceProvider.GetRequiredService<CommentService>();
                    while (await comments.PurgeTrashAsync(stoppingToken) == 500) { }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Purging comment trash failed; will retry in {Interval}", Interval);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }
}
