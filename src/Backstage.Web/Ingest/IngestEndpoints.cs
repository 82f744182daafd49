using System.Globalization;
using System.Security.Claims;
using Backstage.Media;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

/// <summary>
/// The chunk protocol's routes (Editor or Admin; every write carries the antiforgery token in the
/// <c>RequestVerificationToken</c> header, taken from the upload page):
/// <code>
/// POST /studio/ingest/shows/{showId}/uploads   {name, size, sha256, batch, order, sidecar}  → 201 {id, offset}
///                                                | 429 when the editor has MaxOpenUploadsPerEditor unfinished uploads
/// PUT  /studio/ingest/uploads/{id}             Upload-Offset: n, body = bytes n…            → 200 {offset} | 409 {offset}
/// GET  /studio/ingest/uploads/{id}   (HEAD)    → {offset, state (Open, Completing, Done, Failed), results}, header Upload-Offset
/// POST /studio/ingest/uploads/{id}/complete    → 202 {state: Completing}, Location: the status URL (poll it until Done
///                                                or Failed) | 200 {results} once done | 409 {offset} missing bytes
/// GET  /studio/ingest/shows/{showId}/status     → {photos: [{id, sha256, name, status, renditions, planned, readyAt}]}
/// </code>
/// The status route is for scripts and the ingest benchmark: where every photo of a show stands, without rendering the gallery.
/// </summary>
public static class IngestEndpoints
{
    public const string OffsetHeader = "Upload-Offset";

    public static void MapIngest(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/studio/ingest").RequireAuthorization(Policies.Studio).AddEndpointFilter(ValidateAntiforgery);
        group.MapPost("/shows/{showId:int}/uploads", async (int showId, ResumableUploads.CreateRequest request, ResumableUploads uploads, HttpContext http, CancellationToken ct) =>
            Answer(http, await uploads.CreateAsync(showId, request, http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", ct)));
        group.MapPut("/uploads/{id:guid}", async (Guid id, HttpContext http, ResumableUploads uploads, IOptions<IngestOptions> options, CancellationToken ct) =>
        {
            if (!long.TryParse(http.Request.Headers[OffsetHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                return Answer(http, new(400, $"The {OffsetHeader} header (where this chunk starts) is missing."));
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = options.Value.ChunkBytes + 1L;
            return Answer(http, await uploads.AppendAsync(id, offset, http.Request.Body, http.Request.ContentLength, ct));
        });
        group.MapMethods("/uploads/{id:guid}", ["GET", "HEAD"], async (Guid id, HttpContext http, ResumableUploads uploads, CancellationToken ct) =>
            Answer(http, await uploads.StatusAsync(id, ct)));
        group.MapGet("/shows/{showId:int}/status", ShowStatusAsync);
        group.MapPost("/uploads/{id:guid}/complete", async (Guid id, HttpContext http, ResumableUploads uploads, CancellationToken ct) =>
            Answer(http, await uploads.CompleteAsync(id, ct)));
    }

    private static async Task<IResult> ShowStatusAsync(int showId, BackstageDbContext db, MediaOptionsAccessor media, HttpContext http, CancellationToken ct)
    {
        if (!await db.Shows.AnyAsync(s => s.Id == showId, ct)) return Results.NotFound();
        var photos = await db.Set<Photo>().AsNoTracking().Where(p => p.ShowId == showId).OrderBy(p => p.Position).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Sha256, p.OriginalFileName, p.Status, p.Width, p.UpdatedAt, Renditions = p.Renditions.Count }).ToListAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            photos = photos.Select(p => new
            {
                id = p.Id, sha256 = p.Sha256, name = p.OriginalFileName, status = p.Status.ToString(),
                renditions = p.Renditions, planned = RenditionPlanner.Plan(Math.Max(1, p.Width), media.Options).Count,
                readyAt = p.Status == PhotoStatus.Ready ? p.UpdatedAt : (DateTimeOffset?)null,
            }),
        });
    }

    private static IResult Answer(HttpContext http, ProtocolAnswer a)
    {
        if (a.Offset is { } offset) http.Response.Headers[OffsetHeader] = offset.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        string? statusUrl = a.Id is { } id ? $"/studio/ingest/uploads/{id}" : null;
        if (a.Status == StatusCodes.Status202Accepted && statusUrl is not null) http.Response.Headers.Location = statusUrl;
        return Results.Json(new
        {
            id = a.Id, offset = a.Offset, state = a.State, message = a.Message, statusUrl,
            results = a.Results?.Select(l => new { file = l.File, kind = l.CssClass, ok = l.Kind == LineKind.Added, message = l.Message, photoId = l.PhotoId }),
        }, statusCode: a.Status);
    }

    private static async ValueTask<object?> ValidateAntiforgery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            try
            {
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Json(new { message = "The form expired: reload the page and try again." }, statusCode: StatusCodes.Status400BadRequest);
            }
        }
        return await next(context);
    }
}
