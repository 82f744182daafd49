using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// Sign-in. The answer to a failure is the same whether or not the account exists, with the same hashing work (an
/// unknown email is checked against a dummy hash), and failures are throttled per client address and per typed email
/// in PostgreSQL (429 + Retry-After); the owner of a throttled account gets past it with a sign-in link by email.
/// A browser that signed in to the typed account before (a valid device cookie) is counted on its own allowance
/// instead (<see cref="DeviceCookies"/>), so failures of others on the same network do not lock it out.
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, IPasswordHasher<AppUser> hasher, Throttle throttle,
    DeviceCookies devices, TimeProvider clock) : AccountPage
{
    public const string Failed = "That email and password do not match an account.";
    public const string Throttled = "Too many failed sign-ins for this email address or from your network. Try again in {wait}, or get a sign-in link by email.";

    [BindProperty] public LoginInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public sealed class LoginInput
    {
        [Required, EmailAddress, Display(Name = "Email")] public string Email { get; set; } = "";
        [Required, DataType(DataType.Password)] public string Password { get; set; } = "";
        [Display(Name = "Keep me signed in")] public bool RememberMe { get; set; }
    }

    private static readonly AppUser DummyUser = new();
    private static string? _dummyHash;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var email = Input.Email.Trim();
        var user = await users.FindByEmailAsync(email);
        // A known browser of this account: its own allowance. Any other: the network's and the account's.
        var device = devices.DeviceFor(Request, user);
        (ThrottleRule, string?)[] counted = device is not null
            ? [(ThrottleRule.SignInPerDevice, device)]
            : [(ThrottleRule.SignInPerIp, ClientIp), (ThrottleRule.SignInPerAccount, email)];
        if (await throttle.RetryAfterAsync(ct, counted) is { } wait)
            return TooManyRequests(wait, Throttled);

        Microsoft.AspNetCore.Identity.SignInResult result;
        if (user is null)
        {
            // Same PBKDF2 work as a real check, so the time taken does not say whether the account exists.
            _dummyHash ??= hasher.HashPassword(DummyUser, "no account has this password");
            hasher.VerifyHashedPassword(DummyUser, _dummyHash, Input.Password);
            result = Microsoft.AspNetCore.Identity.SignInResult.Failed;
        }
        else
        {
            RecentSignIn.Mark(HttpContext, clock.GetUtcNow()); // recorded only if this signs in (the password is right)
            result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: false);
        }

        if (result.Succeeded || result.RequiresTwoFactor)
        {
            await throttle.ClearAsync(ThrottleRule.SignInPerAccount, email, ct);
            if (result.Succeeded) devices.Issue(Response, user!); // with two-factor sign-in, once the code is right
            return result.Succeeded
                ? LocalRedirect(SafeReturnUrl(ReturnUrl))
                : RedirectToPage("LoginWith2fa", new { ReturnUrl = SafeReturnUrl(ReturnUrl), Input.RememberMe });
        }
        await throttle.RecordAsync(ct, counted);
        ModelState.AddModelError("", Failed);
        return Page();
    }
}
