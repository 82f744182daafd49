using System.Globalization;
using System.Threading.Channels;
using Backstage.Web.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Backstage.Web.Cluster;

/// <summary>
/// One dedicated PostgreSQL connection per node that LISTENs on <see cref="ClusterChannels"/>: evictions are applied to
/// this node's caches, job notifications wake this node's idle workers. Between notifications it polls recent
/// evictions every <see cref="ClusterOptions.PollInterval"/>; when the connection drops it reconnects with backoff
/// (1 s doubling to 30 s) and polls at once to catch up on what it missed.
/// </summary>
internal sealed class ClusterListener(ClusterEvictions evictions, JobQueue jobs, IOptions<ClusterOptions> options,
    ILogger<ClusterListener> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    private readonly Channel<(long Id, string Tag)> _received = Channel.CreateUnbounded<(long, string)>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var lastPrune = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await evictions.DataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterChannels.Evictions}; LISTEN {ClusterChannels.Jobs}", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
                evictions.OnListening();
                await evictions.PollAsync(stoppingToken);
                var lastPoll = DateTime.UtcNow;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await conn.WaitAsync(options.Value.PollInterval, stoppingToken);
                    while (_received.Reader.TryRead(out var e)) await evictions.ApplyAsync(e.Id, e.Tag, stoppingToken);
                    if (DateTime.UtcNow - lastPoll >= options.Value.PollInterval)
                    {
                        await evictions.PollAsync(stoppingToken);
                        lastPoll = DateTime.UtcNow;
                    }
                    if (DateTime.UtcNow - lastPrune >= PruneEvery)
                    {
                        await evictions.PruneAsync(stoppingToken);
                        lastPrune = DateTime.UtcNow;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "Lost the cluster notification connection; reconnecting in {Delay}", backoff);
                try { await Task.Delay(backoff, stoppingToken); } catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>Runs inside WaitAsync: only hand the news on, the loop applies it.</summary>
    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == ClusterChannels.Jobs)
        {
            jobs.Notify();
            return;
        }
        var colon = e.Payload.IndexOf(':');
        if (colon > 0 && long.TryParse(e.Payload.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            _received.Writer.TryWrite((id, e.Payload[(colon + 1)..]));
    }
}
