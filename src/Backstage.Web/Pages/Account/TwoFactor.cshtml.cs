using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Backstage.Web.Pages.Account;

/// <summary>
/// Two-factor authentication with an authenticator app (TOTP, RFC 6238, Identity's authenticator provider): scan the QR
/// code or type the key, verify a code, keep the 10 recovery codes; or turn it off. Turning it on or off rotates the
/// security stamp, and this session is signed in again so it continues. Every handler (the page shows a key) needs a
/// recent password or code (<see cref="RecentSignIn"/>): a stolen session alone cannot remove or replace the factor.
/// </summary>
[RequireRecentSignIn]
public sealed class TwoFactorModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : AccountPage
{
    public bool Enabled { get; private set; }
    public string? SharedKey { get; private set; }
    public string? QrDataUri { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync(await users.GetUserAsync(User));

    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        var code = new string((Code ?? "").Where(char.IsDigit).ToArray());
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError("Code", "That code is not right. Type the 6 digits your app shows now (they change every 30 seconds).");
            return await LoadAsync(user);
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = "Two-factor authentication is on.";
        return await LoadAsync(user);
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (!user.TwoFactorEnabled) return RedirectToPage();
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        return await LoadAsync(user);
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        TempData["Flash"] = "Two-factor authentication is off.";
        return RedirectToPage();
    }

    private async Task<IActionResult> LoadAsync(AppUser? user)
    {
        if (user is null) return Challenge();
        Enabled = user.TwoFactorEnabled;
        if (Enabled) return Page();
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user); // the reset rotated the stamp
        }
        SharedKey = string.Join(' ', key!.ToLowerInvariant().Chunk(4).Select(c => new string(c)));
        var uri = $"otpauth://totp/{Uri.EscapeDataString("Backstage:" + user.Email)}?secret={key}&issuer=Backstage&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
        return Page();
    }
}
