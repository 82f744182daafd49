using System.Globalization;
using Backstage.Web.Cluster;
using Backstage.Web.Data;
using Backstage.Web.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;

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
        // One query answers every question (taken down? expired? which rendition? public?) in the same snapshot, so a
        // change that committed before the request is seen whole on every node: there is no per-node cache to evict.
        var facts = await FactsAsync(db, photoId, spec, clock.GetUtcNow(), ct);
        if (facts is { Down: true }) return Gone(http, "taken down");
        bool expired = facts is { Expired: true };
        var row = facts?.Rendition;
        if (row is null) return expired ? Gone(http, "licence expired") : Results.NotFound();
        bool isPublic = facts!.Public;
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
        SurrogateKeys.Add(http.Response, SurrogateKeys.Photo(photoId), SurrogateKeys.Show(facts.ShowId)); // a CDN purges it by key
        var etag = new EntityTagHeaderValue($"\"{row.Id.ToString("x", CultureInfo.InvariantCulture)}-{row.Bytes.ToString("x", CultureInfo.InvariantCulture)}\"");
        return Results.File(path, row.ContentType, entityTag: etag, enableRangeProcessing: false);
    }

    private sealed record Facts(bool Down, bool Expired, int ShowId, RenditionRow? Rendition, bool Public);
    private sealed record RenditionRow(long Id, string Spec, long Bytes, string ContentType);

    /// <summary>
    /// The one query, as SQL with the publishing rule's own text (<see cref="GalleryVisibility.PublicPhotoSql"/>, the rule
    /// <see cref="GalleryVisibility.PublicPhotos(Surface, DateTimeOffset)"/> states in LINQ; search and the sitemap use the same text), prepared on each
    /// pooled connection: the busiest query of the site is then neither translated by EF Core nor planned by PostgreSQL
    /// per request. Its columns are listed, so a migration changes no prepared result type. No transaction: one statement
    /// is one snapshot.
    /// </summary>
    private const string FactsSql = $"""
        SELECT p.taken_down_at IS NOT NULL, p.valid_until IS NOT NULL AND p.valid_until <= @now, p.show_id,
               r.id, r.bytes, r.content_type, ({GalleryVisibility.PublicPhotoSql})
        FROM photos p JOIN shows s ON s.id = p.show_id
        LEFT JOIN renditions r ON r.photo_id = p.id AND r.spec = @spec AND p.status = 'Ready'
        WHERE p.id = @id
        """;

    private static async Task<Facts?> FactsAsync(BackstageDbContext db, int photoId, string spec, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(FactsSql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter<int>("id", photoId));
            command.Parameters.Add(new NpgsqlParameter<string>("spec", spec));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now.ToUniversalTime()));
            await command.PrepareAsync(ct); // a no-op on a connection that prepared it before
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
            if (!await reader.ReadAsync(ct)) return null;
            var rendition = reader.IsDBNull(3) ? null : new RenditionRow(reader.GetInt64(3), spec, reader.GetInt64(4), reader.GetString(5));
            return new Facts(reader.GetBoolean(0), reader.GetBoolean(1), reader.GetInt32(2), rendition, reader.GetBoolean(6));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>410 with the reason in words ("taken down", "licence expired"), in the body and an X-Gone-Reason header.</summary>
    private static IResult Gone(HttpContext http, string reason)
    {
        http.Response.Headers["X-Gone-Reason"] = reason;
        return Results.Text("Gone: " + reason + ".", "text/plain; charset=utf-8", statusCode: StatusCodes.Status410Gone);
    }
}
