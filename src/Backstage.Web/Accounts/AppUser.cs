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
    /// <summary>Opt-in, staff only: a daily email listing the photos whose licence ends in the next 7 days.</summary>
    public bool RightsDigest { get; set; }
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Editor = "Editor";
    public const string Reader = "Reader";
    public static readonly string[] All = [Admin, Editor, Reader];
    /// <summary>The roles that make someone staff (see <see cref="IsStaff"/>).</summary>
    public static readonly string[] Staff = [Editor, Admin];

    /// <summary>
    /// The one staff rule: who may use the studio (<see cref="Policies.Studio"/>), see unpublished work, skip the
    /// first-comment hold and take a reserved display name. An editor or admin is staff; when
    /// Backstage:Accounts:RequireTwoFactorForStaff is on, only once two-factor sign-in is turned on (docs/accounts.md).
    /// <see cref="AccountClaimsFactory"/> decides it from the database on every request and writes it as a claim.
    /// </summary>
    public static bool IsStaff(System.Security.Claims.ClaimsPrincipal user) => user.HasClaim(AccountClaims.Staff, "true");

    /// <summary>Has an editor or admin role, whether or not two-factor sign-in makes them staff yet.</summary>
    public static bool HasStaffRole(System.Security.Claims.ClaimsPrincipal user) => Staff.Any(user.IsInRole);
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
