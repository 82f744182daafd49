using Backstage.Web.Accounts;
using Backstage.Web.Email;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// The unsubscribe link of every notification: a signed token, no sign-in needed. Opening it shows one button (a POST),
/// so a mail scanner following the link unsubscribes nobody.
/// </summary>
[AllowAnonymous]
public sealed class UnsubscribeModel(UserManager<AppUser> users, Unsubscribe tokens) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public string? Topic { get; private set; }
    public bool Done { get; private set; }

    public IActionResult OnGet()
    {
        if (tokens.Read(Token) is not { } t) return NotFound();
        Topic = Unsubscribe.Describe(t.Topic);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (tokens.Read(Token) is not { } t) return NotFound();
        if (await users.FindByIdAsync(t.UserId) is { } user)
        {
            if (t.Topic == MailTopic.Replies) user.NotifyReplies = false;
            else if (t.Topic == MailTopic.RightsDigest) user.RightsDigest = false;
            else user.ModerationDigest = false;
            await users.UpdateAsync(user);
        }
        Topic = Unsubscribe.Describe(t.Topic);
        Done = true;
        return Page();
    }
}
