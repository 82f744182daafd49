using Backstage.Web.Articles;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Reader;

/// <summary>
/// Knows the next time a scheduled article or show (or a show's embargo, or a photo's "valid from" / "valid until") goes live or off and evicts the public pages when it
/// comes, so they appear by themselves. Re-reads the schedule whenever public pages are evicted (a studio save on any
/// node) and at least every minute. The output-cache policy also caps every entry's lifetime at that time, so a page
/// rendered just before it cannot outlive it. Every node runs its own timer and evicts its own pages.
/// </summary>
public sealed class PublishSchedule : BackgroundService
{
    private readonly IServiceScopeFactory scopes;
    private readonly PublicCache cache;
    private readonly TimeProvider clock;
    private readonly ILogger<PublishSchedule> log;

    public PublishSchedule(IServiceScopeFactory scopes, PublicCache cache, TimeProvider clock, ILogger<PublishSchedule> log)
    {
        (this.scopes, this.cache, this.clock, this.log) = (scopes, cache, clock, log);
        cache.Invalidated += Reschedule;
    }

    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private long _nextTicks = long.MaxValue; // UTC ticks; MaxValue = nothing scheduled (or not known yet)
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset? NextPublishAt
    {
        get { var t = Interlocked.Read(ref _nextTicks); return t == long.MaxValue ? null : new DateTimeOffset(t, TimeSpan.Zero); }
        private set => Interlocked.Exchange(ref _nextTicks, value?.UtcTicks ?? long.MaxValue);
    }

    /// <summary>Read the schedule again now (an article was saved, published, scheduled or unpublished).</summary>
    private void Reschedule() => _wake.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var delay = Refresh;
            try
            {
                var now = clock.GetUtcNow();
                var next = await NextAsync(now, stoppingToken);
                NextPublishAt = next;
                if (next is { } at && at - now < delay) delay = at - now;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not read the publishing schedule; retrying shortly");
                delay = TimeSpan.FromSeconds(10);
            }

            try
            {
                await Task.WhenAny(wake.Task, Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, clock, stoppingToken));
            }
            catch (OperationCanceledException) { return; }

            if (NextPublishAt is { } due && due <= clock.GetUtcNow())
            {
                log.LogInformation("Scheduled publish time {At} reached: evicting public pages", due);
                NextPublishAt = null;
                await cache.InvalidateAsync(stoppingToken);
            }
        }
    }

    private async Task<DateTimeOffset?> NextAsync(DateTimeOffset now, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var article = await db.Articles.Where(a => a.Status != ArticleStatus.Draft && a.PublishAt > now).MinAsync(a => a.PublishAt, ct);
        var show = await db.Shows.Where(s => s.Status != Shows.ShowStatus.Draft && s.PublishAt > now).MinAsync(s => s.PublishAt, ct);
        var embargo = await db.Shows.Where(s => s.Status != Shows.ShowStatus.Draft && s.EmbargoUntil > now).MinAsync(s => s.EmbargoUntil, ct);
        // Photo rights: a "valid from" releases a photo and a "valid until" takes it off at that minute (issue 19). Only
        // published photos matter to readers; the earliest of them also caps every cached page's lifetime.
        var photos = db.Set<Galleries.Photo>().Where(p => p.PublishedAt != null && p.TakenDownAt == null);
        var validFrom = await photos.Where(p => p.ValidFrom > now).MinAsync(p => p.ValidFrom, ct);
        var validUntil = await photos.Where(p => p.ValidUntil > now).MinAsync(p => p.ValidUntil, ct);
        return new[] { article, show, embargo, validFrom, validUntil }.Where(t => t is not null).Min();
    }
}
