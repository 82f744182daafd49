namespace Backstage.Web.Hosting;

/// <summary>
/// Output-cache tags. Every public page is cached under <see cref="Public"/>; anything that changes what readers
/// see (an article, show, photo or comment) evicts it with IOutputCacheStore.EvictByTagAsync(CacheTags.Public, ct).
/// Publishing is rare next to reading, so evicting all public pages is both simple and cheap.
/// </summary>
public static class CacheTags
{
    public const string Public = "public";
}
