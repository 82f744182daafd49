using System.Globalization;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Backstage.Web.Galleries;

/// <summary>
/// GET /media/{photoId}/{spec}: a rendition, streamed from the media store through this node's
/// <see cref="RenditionCache"/>, with its fixed content type, nosniff, an ETag and a year of immutable caching (a spec
/// never changes content: crops carry the focal point in their path), so a CDN in front can keep it. The app stays the
/// origin: a taken-down photo answers 410 Gone to everyone; anything readers may not see (draft or embargoed show,
/// unpublished photo) is 404 unless the viewer is staff, who get it marked private/no-store. Originals have no route.
/// </summary>
public static class MediaEndpoints
{
    public static string Url(int photoId, string spec) => $"/media/{photoId.ToString(CultureInfo.InvariantCulture)}/{spec}";

    public static void MapMedia(this IEndpointRouteBuilder app) =>
        app.MapMethods("/media/{photoId:int}/{**spec}", ["GET", "HEAD"], ServeAsync).AllowAnonymous()
            // Runs as soon as routing matches it, before authentication: a signed-in reader's image request would
            // otherwise validate the session and re-issue the auth cookie, and a response that sets a cookie is
            // no-store, so public renditions would lose their year of immutable caching. ServeAsync authenticates by
            // itself, only for the unpublished photos that need it.
            .ShortCircuit();

    private static async Task<IResult> ServeAsync(int photoId, string? spec, HttpContext http, BackstageDbContext db, RenditionCache files,
        GalleryVisibility visibility, TimeProvider clock, CancellationToken ct)
    {
        if (spec is not { Length: > 0 and <= 80 }) return Results.NotFound(); // "/media/1/" has no spec
        var now = clock.GetUtcNow();
        var state = await db.Set<Photo>().Where(p => p.Id == photoId)
            .Select(p => new { Down = p.TakenDownAt != null, Expired = p.ValidUntil != null && p.ValidUntil <= now }).FirstOrDefaultAsync(ct);
        if (state is { Down: true }) return Gone(http, "taken down");
        bool expired = state is { Expired: true };
        var row = await db.Set<Rendition>().AsNoTracking()
            .Where(r => r.PhotoId == photoId && r.Spec == spec && r.Photo!.Status == PhotoStatus.Ready)
            .Select(r => new { r.Id, r.Spec, r.Bytes, r.ContentType, r.Photo!.ShowId }).FirstOrDefaultAsync(ct);
        if (row is null) return expired ? Gone(http, "licence expired") : Results.NotFound();
        bool isPublic = await visibility.PublicPhotos().AnyAsync(p => p.Id == photoId, ct);
        if (!isPublic)
        {
            // The pipeline skips authentication for /media (public files carry no cookie): only this case needs the viewer.
            if ((await http.AuthenticateAsync()).Principal is { } viewer) http.User = viewer;
            // An expired licence is 410 like a takedown (the CDN and crawlers drop it for good); staff still see it to extend it.
            if (!await visibility.ViewerIsStaffAsync()) return expired ? Gone(http, "licence expired") : Results.NotFound();
        }
        var path = await files.GetFileAsync(photoId, row.Spec, ct);
        if (path is null) return Results.NotFound();
        http.Response.Headers.CacheControl = isPublic ? "public, max-age=31536000, immutable" : "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        SurrogateKeys.Add(http.Response, SurrogateKeys.Photo(photoId), SurrogateKeys.Show(row.ShowId)); // a CDN purges it by key
        var etag = new EntityTagHeaderValue($"\"{row.Id.ToString("x", CultureInfo.InvariantCulture)}-{row.Bytes.ToString("x", CultureInfo.InvariantCulture)}\"");
        return Results.File(path, row.ContentType, entityTag: etag, enableRangeProcessing: false);
    }

    /// <summary>410 with the reason in words ("taken down", "licence expired"), in the body and an X-Gone-Reason header.</summary>
    private static IResult Gone(HttpContext http, string reason)
    {
        http.Response.Headers["X-Gone-Reason"] = reason;
        return Results.Text("Gone: " + reason + ".", "text/plain; charset=utf-8", statusCode: StatusCodes.Status410Gone);
    }
}
