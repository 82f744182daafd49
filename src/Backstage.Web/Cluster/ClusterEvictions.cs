using System.Collections.Concurrent;
using Backstage.Web.Data;
using Backstage.Web.Storage;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Backstage.Web.Cluster;

/// <summary>Bound from "Backstage:Cluster".</summary>
public sealed class ClusterOptions
{
    public const string Section = "Backstage:Cluster";
    /// <summary>How often a node reads recent evictions even without a notification (catches a missed NOTIFY, or a pooler that drops LISTEN).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long eviction rows are kept (a node that was cut off longer evicts everything when it reconnects).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Keeps the nodes' caches in agreement. An eviction on one node is applied locally at once and recorded as a row in
/// <c>cache_evictions</c>, whose insert trigger NOTIFYs every node (<see cref="ClusterListener"/>); each node applies
/// it to its own output cache and local media cache. Nodes also read the recent rows every
/// <see cref="ClusterOptions.PollInterval"/>, so a lost notification costs seconds, not a stale site. Applying an
/// eviction twice is harmless; ids already applied are remembered for a while so the usual case evicts once.
/// </summary>
public sealed class ClusterEvictions(IServiceScopeFactory scopes, RenditionCache renditions,
    IOptions<ClusterOptions> options, ILogger<ClusterEvictions> log) : IAsyncDisposable
{
    /// <summary>Raised with each tag this node evicted (its own or another node's eviction).</summary>
    public event Action<string>? Evicted;

    private readonly ConcurrentDictionary<long, DateTime> _applied = new();
    private NpgsqlDataSource? _source;
    private DateTime _lastPoll = DateTime.UtcNow;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this node first LISTENs (from then on it hears other nodes' evictions at once).</summary>
    public Task Listening => _listening.Task;

    internal void OnListening() => _listening.TrySetResult();

    /// <summary>This node's own in-memory output cache (set once by <see cref="ClusterOutputCacheStore"/>).</summary>
    internal IOutputCacheStore Local { get; set; } = null!;

    /// <summary>A data source for the cluster plumbing, on the app's own connection string.</summary>
    internal NpgsqlDataSource DataSource
    {
        get
        {
            if (_source is not null) return _source;
            using var scope = scopes.CreateScope();
            var cs = scope.ServiceProvider.GetRequiredService<BackstageDbContext>().Database.GetConnectionString()!;
            var builder = new NpgsqlConnectionStringBuilder(cs) { KeepAlive = 15, ApplicationName = "backstage-cluster" };
            var created = NpgsqlDataSource.Create(builder.ConnectionString);
            if (Interlocked.CompareExchange(ref _source, created, null) is not null) created.Dispose();
            return _source!;
        }
    }

    /// <summary>Closes the cluster plumbing's connections when the host (which owns this singleton) stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _source, null) is { } source) await source.DisposeAsync();
    }

    /// <summary>Evicts here, then tells every other node. If the database cannot be told, other nodes catch up when their entries expire.</summary>
    public async ValueTask BroadcastAsync(string tag, CancellationToken ct)
    {
        await ApplyLocalAsync(tag, ct);
        try
        {
            await using var cmd = DataSource.CreateCommand("INSERT INTO cache_evictions (tag) VALUES ($1) RETURNING id");
            cmd.Parameters.Add(new NpgsqlParameter { Value = tag });
            var id = (long)(await cmd.ExecuteScalarAsync(ct))!;
            _applied[id] = DateTime.UtcNow;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            log.LogWarning(e, "Could not broadcast the eviction of {Tag}; other nodes serve their copies until they expire", tag);
        }
    }

    /// <summary>An eviction another node (or a trigger) recorded; skipped when this node applied it already.</summary>
    public async ValueTask ApplyAsync(long id, string tag, CancellationToken ct)
    {
        if (!_applied.TryAdd(id, DateTime.UtcNow)) return;
        await ApplyLocalAsync(tag, ct);
    }

    /// <summary>Reads recent evictions (the fallback for missed notifications); after a long gap, evicts everything.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        var o = options.Value;
        var started = DateTime.UtcNow;
        var gap = started - _lastPoll;
        var window = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, gap.Ticks + o.PollInterval.Ticks * 2));
        if (window >= o.Retention)
        {
            log.LogWarning("No eviction news for {Gap}; evicting all public pages and the local media cache", gap);
            await ApplyLocalAsync(CacheTags.Public, ct);
            renditions.Clear();
        }
        await using (var cmd = DataSource.CreateCommand("SELECT id, tag FROM cache_evictions WHERE created_at > clock_timestamp() - $1 ORDER BY id"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = window });
            var rows = new List<(long, string)>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1)));
            foreach (var (id, tag) in rows) await ApplyAsync(id, tag, ct);
        }
        _lastPoll = started;
        foreach (var (id, at) in _applied)
            if (at < started - o.Retention) _applied.TryRemove(id, out _);
    }

    /// <summary>Drops eviction rows past <see cref="ClusterOptions.Retention"/> (any node may do it; it is idempotent).</summary>
    public async Task PruneAsync(CancellationToken ct)
    {
        await using var cmd = DataSource.CreateCommand("DELETE FROM cache_evictions WHERE created_at < clock_timestamp() - $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.Value.Retention });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async ValueTask ApplyLocalAsync(string tag, CancellationToken ct)
    {
        if (CacheTags.TryParseMedia(tag, out var photoId)) renditions.Evict(photoId);
        else await Local.EvictByTagAsync(tag, ct);
        Evicted?.Invoke(tag);
    }
}

/// <summary>
/// The output-cache store every node uses: this node's in-memory store, with evictions broadcast through
/// <see cref="ClusterEvictions"/>. Code that evicts (through <see cref="PublicCache"/>, or any direct
/// EvictByTagAsync) therefore reaches every node.
/// </summary>
internal sealed class ClusterOutputCacheStore : IOutputCacheStore
{
    private readonly IOutputCacheStore _local;
    private readonly ClusterEvictions _evictions;

    public ClusterOutputCacheStore(IOutputCacheStore local, ClusterEvictions evictions)
    {
        _local = local;
        _evictions = evictions;
        evictions.Local = local;
    }

    public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken) => _evictions.BroadcastAsync(tag, cancellationToken);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => _local.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken) =>
        _local.SetAsync(key, value, tags, validFor, cancellationToken);
}
