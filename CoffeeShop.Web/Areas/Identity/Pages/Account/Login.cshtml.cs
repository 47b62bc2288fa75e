using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account;

/// <summary>
/// Replaces the default UI's sign-in page: failures count toward lockout, the return address is only
/// ever local, no "remember me" (an admin session ends with the browser) and no external providers.
/// </summary>
[AllowAnonymous]
public class LoginModel(SignInManager<IdentityUser> signInManager, IOptions<AdminOptions> admin, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    /// <summary>Where a successful sign-in goes: the requested local address, otherwise the admins' home, the orders desk.</summary>
    public string ReturnUrl { get; private set; } = AdminRegistration.HomePath;

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOrHome(returnUrl);

    [RateLimited(RateLimits.SignInPosts)]
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        ReturnUrl = LocalOrHome(returnUrl);
        if (!ModelState.IsValid)
        {
            return Refused();
        }

        var result = await signInManager.PasswordSignInAsync(Input.Email!.Trim(), Input.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("./LoginWith2fa", new { ReturnUrl, RememberMe = false });
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused: the account is locked out after repeated failures");
            ModelState.AddModelError(string.Empty,
                $"Too many failed sign-ins: this account is locked for up to {admin.Value.LockoutMinutes} minutes. Try again later.");
            return Refused();
        }

        ModelState.AddModelError(string.Empty, "Wrong email or password.");
        return Refused();
    }

    // Url.IsLocalUrl refuses absolute, protocol-relative (//host), /\host and javascript: addresses.
    private string LocalOrHome(string? url) => Url.IsLocalUrl(url) ? url : AdminRegistration.HomePath;

    private PageResult Refused()
    {
        Input.Password = null;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}

public sealed class SignInInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }
}
