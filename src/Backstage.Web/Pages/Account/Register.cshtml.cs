using System.ComponentModel.DataAnnotations;
using Backstage.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages.Account;

[AllowAnonymous]
public sealed class RegisterModel(SignInManager<AppUser> signIn, UserManager<AppUser> users) : PageModel
{
    [BindProperty] public RegisterInput Input { get; set; } = new();

    public sealed class RegisterInput
    {
        [Required, EmailAddress, StringLength(256)] public string Email { get; set; } = "";
        [Required, StringLength(60, MinimumLength = 2), Display(Name = "Name shown with your comments")]
        public string DisplayName { get; set; } = "";
        [Required, StringLength(200, MinimumLength = 10, ErrorMessage = "The password needs at least 10 characters."), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        [Required, Compare(nameof(Password), ErrorMessage = "The two passwords differ."), DataType(DataType.Password), Display(Name = "Password again")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var result = await AccountCommands.CreateUserAsync(users, Input.Email.Trim(), Input.DisplayName.Trim(), Input.Password, Roles.Reader);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError("", e.Code is "DuplicateUserName" or "DuplicateEmail" ? "An account with this email already exists." : e.Description);
            return Page();
        }
        await signIn.SignInAsync((await users.FindByEmailAsync(Input.Email.Trim()))!, isPersistent: false);
        TempData["Flash"] = "Welcome to Backstage.";
        return LocalRedirect("/");
    }
}
