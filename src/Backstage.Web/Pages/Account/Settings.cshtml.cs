using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Backstage.Web.Data;
using Backstage.Web.Newsletter;
using Backstage.Web.Privacy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>My account: name and email notifications, password, two-factor sign-in, signing out every session, newsletters and my data.</summary>
public sealed class SettingsModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, BackstageDbContext db, TimeProvider clock,
    ListChoices listChoices, Subscriptions subscriptions, ReaderData readerData, Microsoft.Extensions.Options.IOptions<PrivacyOptions> privacy) : AccountPage
{
    public AppUser Me { get; private set; } = null!;
    public bool IsAdmin => User.IsInRole(Roles.Admin);
    [BindProperty] public ProfileInput Profile { get; set; } = new();
    [BindProperty, DataType(DataType.Password), Display(Name = "Current password")] public string? CurrentPassword { get; set; }
    [BindProperty] public NewPasswordInput Input { get; set; } = new();
    /// <summary>The newsletter lists, and which of them this account's address is on.</summary>
    public List<NewsletterList> NewsletterLists { get; private set; } = [];
    [BindProperty] public List<int> Lists { get; set; } = [];
    public SubscriberState? NewsletterState { get; private set; }
    public bool KeepsCommentText => privacy.Value.KeepDeletedReadersCommentText;

    public sealed class ProfileInput
    {
        [Required, StringLength(DisplayNames.MaxLength, MinimumLength = 2), Display(Name = "Name shown with your comments")]
        public string DisplayName { get; set; } = "";
        [Display(Name = "Email me when someone replies to my comments")] public bool NotifyReplies { get; set; }
        [Display(Name = "Email me a daily digest of the moderation queue")] public bool ModerationDigest { get; set; }
        [Display(Name = "Email me each morning the photo licences expiring in the next 7 days")] public bool RightsDigest { get; set; }
    }
    public bool IsStaff => Roles.IsStaff(User);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync()) return Challenge();
        Profile = new ProfileInput { DisplayName = Me.DisplayName, NotifyReplies = Me.NotifyReplies, ModerationDigest = Me.ModerationDigest, RightsDigest = Me.RightsDigest };
        Lists = [.. await listChoices.ChosenAsync(await listChoices.ForAccountAsync(Me.Id, Me.Email!, HttpContext.RequestAborted), HttpContext.RequestAborted)];
        return Page();
    }

    /// <summary>"Newsletters": the account's address is verified, so the chosen lists hold at once (else the confirm mail goes out).</summary>
    public async Task<IActionResult> OnPostNewslettersAsync(CancellationToken ct)
    {
        if (!await LoadAsync()) return Challenge();
        Only(nameof(Lists));
        var (outcome, wait) = await listChoices.SaveForAccountAsync(Me.Id, Me.Email!, Me.EmailConfirmed, Lists, ClientIp, ct);
        switch (outcome)
        {
            case ListsOutcome.Invalid:
                ModelState.AddModelError(nameof(Lists), "Newsletters: choose from the lists shown.");
                return Page();
            case ListsOutcome.Throttled:
                return TooManyRequests(wait!.Value, "Newsletters: too many confirmation emails were asked for; try again in {wait}.");
            case ListsOutcome.ConfirmationSent:
                TempData["Flash"] = $"We sent a link to {Me.Email}: press \"Confirm my subscription\" on the page it opens to start receiving the newsletter.";
                break;
            default:
                TempData["Flash"] = Lists.Count == 0 ? "You are not subscribed to any newsletter." : "Your newsletters are saved.";
                break;
        }
        return RedirectToPage();
    }

    /// <summary>"Download my data": a ZIP of JSON (account, comments, newsletter, throttle rows as stored, notification settings).</summary>
    public async Task<IActionResult> OnPostExportAsync(CancellationToken ct)
    {
        if (!await LoadAsync()) return Challenge();
        var zip = await readerData.ExportAccountAsync(Me.Id, null, ct);
        if (zip is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(zip, "application/zip", $"backstage-my-data-{clock.GetUtcNow():yyyy-MM-dd}.zip");
    }

    public async Task<IActionResult> OnPostProfileAsync(CancellationToken ct)
    {
        if (!await LoadAsync()) return Challenge();
        Only("Profile");
        var name = DisplayNames.Normalize(Profile.DisplayName);
        if (ModelState.IsValid && await DisplayNames.ProblemAsync(db, name, Me.Id, Roles.IsStaff(User), ct) is { } problem)
            ModelState.AddModelError("Profile.DisplayName", problem);
        if (!ModelState.IsValid) return Page();
        Me.DisplayName = name;
        Me.NotifyReplies = Profile.NotifyReplies;
        Me.ModerationDigest = IsAdmin && Profile.ModerationDigest;
        Me.RightsDigest = IsStaff && Profile.RightsDigest;
        await users.UpdateAsync(Me);
        TempData["Flash"] = "Your settings are saved.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!await LoadAsync()) return Challenge();
        Only("Input", nameof(CurrentPassword));
        if (string.IsNullOrEmpty(CurrentPassword)) ModelState.AddModelError(nameof(CurrentPassword), "Type your current password.");
        if (!ModelState.IsValid) return Page();
        // Changing the password rotates the security stamp: every other session of this account ends.
        var result = await users.ChangePasswordAsync(Me, CurrentPassword!, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "PasswordMismatch" ? nameof(CurrentPassword) : "Input.Password",
                    e.Code == "PasswordMismatch" ? "That is not your current password." : e.Description);
            return Page();
        }
        RecentSignIn.Mark(HttpContext, clock.GetUtcNow()); // the current password was just typed
        await signIn.RefreshSignInAsync(Me);
        TempData["Flash"] = "Your password is changed; your other sessions are signed out.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSignOutEverywhereAsync()
    {
        if (!await LoadAsync()) return Challenge();
        await users.UpdateSecurityStampAsync(Me);
        await signIn.SignOutAsync();
        TempData["Flash"] = "You are signed out on every device.";
        return LocalRedirect("/");
    }

    private async Task<bool> LoadAsync()
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return false;
        Me = me;
        NewsletterLists = await subscriptions.ListsAsync(HttpContext.RequestAborted);
        NewsletterState = (await listChoices.ForAccountAsync(me.Id, me.Email!, HttpContext.RequestAborted))?.State;
        return true;
    }

    /// <summary>Each form posts only its own fields: the other forms' empty fields are not errors.</summary>
    private void Only(params string[] prefixes)
    {
        foreach (var key in ModelState.Keys.Where(k => !prefixes.Any(p => k == p || k.StartsWith(p + ".", StringComparison.Ordinal))).ToList())
            ModelState.Remove(key);
    }
}
