using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Admin.Pages.Users;

/// <summary>Admins list accounts, create editors and admins, change anyone's role, sign an account out everywhere, reset its two-factor sign-in, and download or delete a reader's data for a reader who asks by other means.</summary>
public sealed class IndexModel(UserManager<AppUser> users, Data.BackstageDbContext db, TimeProvider clock, Privacy.ReaderData readerData) : PageModel
{
    public sealed record Row(AppUser User, string Role);
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Role { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public NewStaff Input { get; set; } = new();

    public sealed class NewStaff
    {
        [Required, EmailAddress] public string Email { get; set; } = "";
        [Required, StringLength(60, MinimumLength = 2), Display(Name = "Name")] public string DisplayName { get; set; } = "";
        [Required, StringLength(200, MinimumLength = 10, ErrorMessage = "The password needs at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        [Required] public string NewRole { get; set; } = Roles.Editor;
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (Input.NewRole is not (Roles.Editor or Roles.Admin)) ModelState.AddModelError("Input.NewRole", "Staff accounts are editors or admins.");
        if (await DisplayNames.ProblemAsync(db, DisplayNames.Normalize(Input.DisplayName), null, isStaff: true) is { } nameProblem)
            ModelState.AddModelError("Input.DisplayName", nameProblem);
        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }
        var result = await AccountCommands.CreateUserAsync(users, Input.Email.Trim(), Input.DisplayName.Trim(), Input.Password, Input.NewRole);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors) ModelState.AddModelError("", e.Description);
            await LoadAsync();
            return Page();
        }
        TempData["Flash"] = $"Created {Input.NewRole.ToLowerInvariant()} {Input.Email}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRoleAsync(string userId, string role)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return NotFound();
        if (!Roles.All.Contains(role)) return BadRequest();
        if (user.Id == users.GetUserId(User) && role != Roles.Admin)
        {
            TempData["Flash"] = "You cannot remove your own admin role; ask another admin.";
            return RedirectToPage();
        }
        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        await users.AddToRoleAsync(user, role);
        // A role change ends the account's sessions (the stamp every request checks rotates): they sign in again with the new role.
        await users.UpdateSecurityStampAsync(user);
        TempData["Flash"] = $"{user.Email} is now {role.ToLowerInvariant()}.";
        return RedirectToPage();
    }

    /// <summary>Ends every session of the account on every node (a lost phone, a leaked cookie, someone leaving).</summary>
    public async Task<IActionResult> OnPostSignOutAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return NotFound();
        await users.UpdateSecurityStampAsync(user);
        TempData["Flash"] = $"Every session of {user.Email} is signed out.";
        return RedirectToPage();
    }

    /// <summary>
    /// A lost phone and no recovery codes: two-factor sign-in off and the authenticator key forgotten, in one transaction
    /// with its entry in the audit log (admin → Audit, "two-factor-reset"). The stamp rotates, so the account's
    /// sessions end; the owner signs in with the password and sets up a new authenticator.
    /// </summary>
    public async Task<IActionResult> OnPostResetTwoFactorAsync(string userId, CancellationToken ct)
    {
        var admin = Accounts.Actor.From(User);
        var email = await db.InTransactionAsync(async () =>
        {
            // Loaded inside the unit: a retry starts from a cleared change tracker.
            if (await users.FindByIdAsync(userId) is not { TwoFactorEnabled: true } user) return null;
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            db.Add(new Comments.CommentAuditEntry
            {
                At = clock.GetUtcNow(), ActorId = admin.Id, Actor = admin.Name, Action = TwoFactorReset, SubjectUserId = user.Id,
                Reason = "two-factor sign-in reset by an admin",
            });
            await db.SaveChangesAsync(ct);
            return user.Email;
        }, ct);
        if (email is null) return NotFound();
        TempData["Flash"] = $"Two-factor sign-in of {email} is reset and their sessions are signed out: they sign in with their password and set up a new authenticator.";
        return RedirectToPage();
    }

    public const string TwoFactorReset = "two-factor-reset";

    /// <summary>A reader's "Download my data", for a reader who asks by mail or phone; logged (admin → Audit, "data-exported").</summary>
    public async Task<IActionResult> OnPostExportDataAsync(string userId, CancellationToken ct)
    {
        var zip = await readerData.ExportAccountAsync(userId, Accounts.Actor.From(User), ct);
        if (zip is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(zip, "application/zip", $"backstage-data-{userId}.zip");
    }

    /// <summary>
    /// A reader's "Delete my account", for a reader who asks by other means; logged ("account-deleted"). Like every
    /// erasure it needs the admin's own recent password or code (<see cref="RecentSignIn"/>).
    /// </summary>
    public async Task<IActionResult> OnPostDeleteAccountAsync(string userId, CancellationToken ct)
    {
        if (!RecentSignIn.IsRecent(User, clock.GetUtcNow()))
            return RedirectToPage("/Account/Confirm", new { area = "", ReturnUrl = "/admin/users" });
        var email = (await users.FindByIdAsync(userId))?.Email;
        switch (await readerData.DeleteAccountAsync(userId, Accounts.Actor.From(User), ct))
        {
            case Privacy.DeleteOutcome.NotFound: return NotFound();
            case Privacy.DeleteOutcome.Staff:
                TempData["Flash"] = $"{email} is staff: make them a reader first, then delete the account.";
                return RedirectToPage();
        }
        TempData["Flash"] = $"The account of {email} is deleted; their comments stay as \"{Privacy.ReaderData.FormerReader}\".";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        var query = users.Users.AsNoTracking().Where(u => u.Email != null); // deleted readers' tombstones are no accounts
        if (!string.IsNullOrWhiteSpace(Q))
            query = query.Where(u => u.Email!.Contains(Q) || u.DisplayName.Contains(Q));
        var list = await query.OrderBy(u => u.Email).Take(500).ToListAsync();
        var rows = new List<Row>();
        foreach (var u in list)
        {
            var role = (await users.GetRolesAsync(u)).FirstOrDefault() ?? "—";
            if (Role is null || role == Role) rows.Add(new Row(u, role));
        }
        Rows = rows;
    }
}
