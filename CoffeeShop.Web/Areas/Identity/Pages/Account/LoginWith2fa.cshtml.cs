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
/// Replaces the default UI's second sign-in step: the code is rate-limited like the password (six digits
/// are guessable), failures count toward lockout, no "remember this machine", and arriving without the
/// first step leads back to it instead of an error.
/// </summary>
[AllowAnonymous]
public class LoginWith2faModel(SignInManager<IdentityUser> signInManager, IOptions<AdminOptions> admin) : PageModel
{
    [BindProperty]
    public TwoFactorInput Input { get; set; } = new();

    public string ReturnUrl { get; private set; } = AdminRegistration.HomePath;

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = SecondStep.LocalOrHome(Url, returnUrl);
        return await signInManager.GetTwoFactorAuthenticationUserAsync() is null ? SecondStep.BackToPassword(this, ReturnUrl) : Page();
    }

    [RateLimited(RateLimits.SignInPosts)]
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        ReturnUrl = SecondStep.LocalOrHome(Url, returnUrl);
        if (await signInManager.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return SecondStep.BackToPassword(this, ReturnUrl);
        }

        if (!ModelState.IsValid)
        {
            return Refused();
        }

        var code = Input.TwoFactorCode!.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = await signInManager.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? SecondStep.LockedOut(admin.Value)
            : "That code does not match. Type the code your authenticator app shows now.");
        return Refused();
    }

    private PageResult Refused()
    {
        Input = new TwoFactorInput();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public sealed class TwoFactorInput
    {
        [Required(ErrorMessage = "Type the six-digit code your authenticator app shows.")]
        [StringLength(7, MinimumLength = 6, ErrorMessage = "The code has six digits.")]
        public string? TwoFactorCode { get; set; }
    }
}
