using System.Security.Claims;

namespace Backstage.Web.Accounts;

/// <summary>
/// Who performs an action, for every log and rule (comments, moderation, the studio log, revisions): a signed-in person
/// (<see cref="From"/>), a rule (<see cref="Rule"/>) or the system (<see cref="System"/>), the last two without an Id.
/// </summary>
public sealed record Actor(string? Id, string Name, bool IsStaff = false)
{
    public static readonly Actor System = new(null, "system");

    public static Actor Rule(string name) => new(null, "rule: " + name);

    /// <summary>The signed-in user of a request. Staff is decided by <see cref="Roles.IsStaff"/>, the studio policy's rule.</summary>
    public static Actor From(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "unknown", Roles.IsStaff(user));
}
