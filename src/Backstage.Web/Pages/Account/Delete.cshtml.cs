using Backstage.Web.Accounts;
using Backstage.Web.Privacy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// "Delete my account" (<see cref="ReaderData.DeleteAccountAsync"/>). Like removing a factor it needs a recent password
/// or code (<see cref="RecentSignIn"/>), so a stolen session alone cannot erase anyone. Signs the reader out.
/// </summary>
[RequireRecentSignIn]
public sealed class DeleteModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, ReaderData readerData, IOptions<PrivacyOptions> privacy) : AccountPage
{
    public AppUser Me { get; private set; } = null!;
    public bool KeepsCommentText => privacy.Value.KeepDeletedReadersCommentText;
    public bool IsStaff { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } me) return Challenge();
        Me = me;
        IsStaff = Roles.HasStaffRole(User);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } me) return Challenge();
        Me = me;
        switch (await readerData.DeleteAccountAsync(me.Id, Actor.From(User), ct))
        {
            case DeleteOutcome.Staff:
                IsStaff = true;
                ModelState.AddModelError("", "Editor and admin accounts are not deleted here: ask another admin to make you a reader first.");
                return Page();
            case DeleteOutcome.NotFound:
                return Challenge();
        }
        await signIn.SignOutAsync();
        TempData["Flash"] = "Your account is deleted. Thank you for reading Backstage.";
        return LocalRedirect("/");
    }
}
