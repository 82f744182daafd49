namespace Backstage.Web.Galleries;

/// <summary>
/// Told when photos leave every public surface (a licence expired, rights changed so that readers may no longer see
/// them), after the change committed and the origin's own caches were evicted. The CDN purger (issue 19, items 7-8)
/// implements it to forget the photos' rendition URLs and the pages that showed them; the default does nothing.
/// Called from a job or a request: an implementation that talks to a remote service queues its own retried job.
/// </summary>
public interface IPublicPhotoRemoval
{
    Task PhotoLeftPublicAsync(IReadOnlyCollection<int> photoIds, CancellationToken ct);
}

/// <summary>No CDN in front (Backstage:Cdn unset): the origin's 404/410 is all there is to it.</summary>
internal sealed class NoPublicPhotoRemoval : IPublicPhotoRemoval
{
    public Task PhotoLeftPublicAsync(IReadOnlyCollection<int> photoIds, CancellationToken ct) => Task.CompletedTask;
}
