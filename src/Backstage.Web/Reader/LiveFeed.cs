using System.Collections.Concurrent;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Reader;

/// <summary>Bound from "Backstage:Live".</summary>
public sealed class LiveOptions
{
    public const string Section = "Backstage:Live";
    /// <summary>Open live streams this node holds at most; the next reader gets 503 and polls the cached page instead.</summary>
    public int MaxConnections { get; set; } = 2000;
    /// <summary>How often a node re-reads its followed shows even without an eviction (a photo whose rights window opens).</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What a live page shows: the public photos of the show in gallery order. <see cref="Id"/> is a digest of exactly
/// that, so every node computes the same id for the same state: a reader who reconnects (to any node) with
/// <c>Last-Event-ID</c> gets an event only if the gallery changed since, never the same state twice, and the event is
/// the whole state, so nothing published meanwhile is missed. <see cref="Ended"/>: coverage ended, or the show is no
/// longer public.
/// </summary>
public sealed record LiveState(string Id, int[] Photos, bool Ended)
{
    public static LiveState Of(int[] photos, bool ended)
    {
        var text = (ended ? "end:" : "on:") + string.Join(',', photos.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        return new LiveState(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text)).AsSpan(0, 12)), photos, ended);
    }
}

/// <summary>The data of a "photos" event: only public photo ids, in gallery order (the page itself brings their markup).</summary>
public sealed record LivePhotos(int[] Photos);

/// <summary>
/// Live coverage for readers (docs/reader-site.md, "Live coverage"). One per node: a reader's open show page holds an
/// SSE stream (<c>GET /shows/{slug}/live</c>); the node keeps one in-memory state per followed show and recomputes it
/// (one query per followed show, not per reader) whenever its public pages are evicted: by any node, heard through
/// LISTEN/NOTIFY with the evictions table polled as the fallback (<see cref="ClusterEvictions"/>). A changed state is
/// fanned out to each stream through a one-slot channel (a slow reader skips to the newest state; each state is whole).
/// Visibility is <see cref="GalleryVisibility.PublicPhotos(Surface)"/> on the page surface, the same rule as the page itself.
/// </summary>
public sealed class LiveFeed : BackgroundService
{
    private readonly IServiceScopeFactory scopes;
    private readonly IOptions<LiveOptions> options;
    private readonly ILogger<LiveFeed> log;
    private readonly ConcurrentDictionary<int, Followed> _shows = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private int _connections;

    public LiveFeed(IServiceScopeFactory scopes, PublicCache cache, IOptions<LiveOptions> options, ILogger<LiveFeed> log)
    {
        (this.scopes, this.options, this.log) = (scopes, options, log);
        cache.Invalidated += Wake;
    }

    /// <summary>Streams open on this node now.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private sealed class Followed
    {
        public readonly ConcurrentDictionary<Channel<LiveState>, byte> Readers = new();
        public LiveState? State;
    }

    private void Wake()
    {
        try { _changed.Release(); } catch (SemaphoreFullException) { } // a refresh is already due: it reads the newest state
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await _changed.WaitAsync(options.Value.Refresh, stoppingToken); }
            catch (OperationCanceledException) { return; }
            foreach (var (showId, followed) in _shows)
            {
                if (followed.Readers.IsEmpty)
                {
                    _shows.TryRemove(KeyValuePair.Create(showId, followed));
                    if (!followed.Readers.IsEmpty) _shows.TryAdd(showId, followed); // a reader arrived meanwhile
                    continue;
                }
                try
                {
                    var state = await ReadAsync(showId, stoppingToken);
                    if (state.Id == followed.State?.Id) continue;
                    followed.State = state;
                    foreach (var reader in followed.Readers.Keys) reader.Writer.TryWrite(state);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Could not refresh the live state of show {Show}; the next eviction or refresh tries again", showId);
                }
            }
        }
    }

    /// <summary>The show's live state now: its public photos in gallery order, or Ended.</summary>
    public async Task<LiveState> ReadAsync(int showId, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var visibility = scope.ServiceProvider.GetRequiredService<GalleryVisibility>();
        var live = await db.Shows.Where(s => s.Id == showId).Where(GalleryVisibility.ShowLive(scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow()))
            .AnyAsync(s => s.LiveCoverageStartedAt != null && s.LiveCoverageEndedAt == null, ct);
        if (!live) return LiveState.Of([], ended: true);
        var photos = await visibility.PublicPhotos(Surface.Page).Where(p => p.ShowId == showId)
            .OrderBy(p => p.Position).ThenBy(p => p.Id).Select(p => p.Id).ToArrayAsync(ct);
        return LiveState.Of(photos, ended: false);
    }

    /// <summary>
    /// Takes one of this node's stream places until the returned place is disposed (at the end of the request), or null
    /// when <see cref="LiveOptions.MaxConnections"/> are taken.
    /// </summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _connections) <= options.Value.MaxConnections) return new Place(this);
        Interlocked.Decrement(ref _connections);
        return null;
    }

    private sealed class Place(LiveFeed feed) : IDisposable
    {
        private int _left;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) Interlocked.Decrement(ref feed._connections);
        }
    }

    /// <summary>
    /// The events of one stream: the current state unless the reader already has it (<paramref name="lastEventId"/>),
    /// then each new state; "ended" closes it.
    /// </summary>
    public async IAsyncEnumerable<SseItem<LivePhotos>> StreamAsync(int showId, string? lastEventId, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<LiveState>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var followed = _shows.GetOrAdd(showId, _ => new Followed());
        followed.Readers.TryAdd(channel, 0);
        _shows.TryAdd(showId, followed); // the refresh loop may have dropped it as empty just before the reader was added
        try
        {
            var state = await ReadAsync(showId, ct); // this reader's starting point; later states come from the loop
            followed.State ??= state;
            var sent = lastEventId;
            while (true)
            {
                if (state.Id != sent)
                {
                    sent = state.Id;
                    if (state.Ended)
                    {
                        yield return new SseItem<LivePhotos>(new LivePhotos([]), "ended") { EventId = state.Id };
                        yield break;
                    }
                    yield return new SseItem<LivePhotos>(new LivePhotos(state.Photos), "photos") { EventId = state.Id, ReconnectionInterval = TimeSpan.FromSeconds(3) };
                }
                else if (state.Ended) yield break;
                LiveState? next = null;
                try { next = await channel.Reader.ReadAsync(ct); }
                catch (OperationCanceledException) { }
                if (next is null) yield break;
                state = next;
            }
        }
        finally
        {
            followed.Readers.TryRemove(channel, out _);
        }
    }
}
