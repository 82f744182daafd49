using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Backstage.Web.Galleries;

/// <summary>
/// On the upload handler only: raises Kestrel's request body limit and the multipart limits to
/// MaxFilesPerUpload × MaxFileBytes (the per-file limit is enforced per file, with a message naming it), and reads the
/// form before antiforgery does, so a request over the limit gets a real 413 (rendered by /errors/413) instead of a 400.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UploadLimitsAttribute : Attribute, IAsyncAuthorizationFilter, IOrderedFilter
{
    public const string Handler = "upload";
    public int Order => 900; // after authorization (0), before antiforgery (1000)

    public static long RequestLimit(IServiceProvider services)
    {
        var media = services.GetRequiredService<MediaOptionsAccessor>().Options;
        return media.MaxFileBytes * Math.Max(1, media.MaxFilesPerUpload) + 1024 * 1024;
    }

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || !string.Equals(http.Request.Query["handler"], Handler, StringComparison.OrdinalIgnoreCase)) return;
        if (context.Result is not null) return;
        long max = RequestLimit(http.RequestServices);
        if (http.Request.ContentLength > max)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max;
        http.Features.Set<IFormFeature>(new FormFeature(http.Request, new FormOptions
        {
            MultipartBodyLengthLimit = max,
            ValueCountLimit = 1024,
        }));
        if (!http.Request.HasFormContentType) return;
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
        catch (InvalidDataException)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }
}
