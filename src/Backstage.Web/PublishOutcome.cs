namespace Backstage.Web;

/// <summary>
/// How a publishing action ended: the subject's id, or why nothing was saved (<see cref="Field"/> names the form field;
/// <see cref="Problems"/> lists each failing publish check).
/// </summary>
public sealed record PublishOutcome(bool Ok, int Id, string Message, string? Field = null, IReadOnlyList<string>? Problems = null)
{
    public static PublishOutcome Refused(string message, string? field = null, IReadOnlyList<string>? problems = null) => new(false, 0, message, field, problems);
}
