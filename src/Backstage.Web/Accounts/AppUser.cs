using Microsoft.AspNetCore.Identity;

namespace Backstage.Web.Accounts;

public sealed class AppUser : IdentityUser
{
    /// <summary>The name shown under comments and bylines (normalized by <see cref="DisplayNames"/>).</summary>
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>Opt-in: an email when someone replies to one of my comments.</summary>
    public bool NotifyReplies { get; set; }
    /// <summary>Opt-in, admins only: a daily email summarising the moderation queue.</summary>
    public bool ModerationDigest { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Editor = "Editor";
    public const string Reader = "Reader";
    public static readonly string[] All = [Admin, Editor, Reader];
    /// <summary>Staff: who may use the studio (<see cref="Policies.Studio"/>), see unpublished work and skip the
    /// first-comment hold. The one definition; the policy and <see cref="IsStaff"/> both read it.</summary>
    public static readonly string[] Staff = [Editor, Admin];
    public static bool IsStaff(System.Security.Claims.ClaimsPrincipal user) => Staff.Any(user.IsInRole);
}

public static class Policies
{
    /// <summary>Editors and admins: the studio.</summary>
    public const string Studio = "Studio";
    /// <summary>Admins only: users, moderation, audit.</summary>
    public const string Admin = "Admin";
    /// <summary>Writing comments: a signed-in account whose email address is confirmed.</summary>
    public const string Commenter = "Commenter";
}
