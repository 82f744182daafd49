using Backstage.Web.Galleries;

namespace Backstage.Web.Ingest;

public enum LineKind { Added, Refused, Skipped }

/// <summary>One result line of an ingest: a photo added, a file refused (with the reason) or an archive entry skipped.</summary>
public sealed record IngestLine(string File, LineKind Kind, string Message, int? PhotoId = null)
{
    public static IngestLine From(UploadOutcome o) => new(o.FileName, o.Ok ? LineKind.Added : LineKind.Refused, o.Message, o.PhotoId);

    public string CssClass => Kind switch { LineKind.Added => "ok", LineKind.Skipped => "skipped", _ => "refused" };
}
