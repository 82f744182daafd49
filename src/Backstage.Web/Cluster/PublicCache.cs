using Microsoft.AspNetCore.OutputCaching;

namespace Backstage.Web.Cluster;

/// <summary>
/// The one way to make readers see a change: every save that readers can see calls <see cref="InvalidateAsync"/>
/// (after its commit), a photo that is deleted or taken down also calls <see cref="InvalidatePhotoAsync"/>. Evictions
/// reach every node (the output-cache store broadcasts them, see <c>Cluster.ClusterEvictions</c>); <see cref="Invalidated"/>
/// fires on each node when its public pages were evicted, here or elsewhere (the publish schedule re-reads itself then).
/// </summary>
public sealed class PublicCache
{
    private readonly IOutputCacheStore cache;

    public PublicCache(IOutputCacheStore cache, ClusterEvictions evictions)
    {
        this.cache = cache;
        evictions.Evicted += tag =>
        {
            if (tag == CacheTags.Public) Invalidated?.Invoke();
        };
    }

    /// <summary>Raised on this node after its public pages were evicted by any node.</summary>
    public event Action? Invalidated;

    /// <summary>Evicts every public page on every node.</summary>
    public async Task InvalidateAsync(CancellationToken ct) => await cache.EvictByTagAsync(CacheTags.Public, ct);

    /// <summary>Evicts every public page and the photo's renditions from each node's local media cache.</summary>
    public async Task InvalidatePhotoAsync(int photoId, CancellationToken ct)
    {
        await cache.EvictByTagAsync(CacheTags.Media(photoId), ct);
        await InvalidateAsync(ct);
    }
}
