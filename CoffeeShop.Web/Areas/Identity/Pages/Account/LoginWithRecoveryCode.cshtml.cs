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
/// Replaces the default UI's recovery-code sign-in: rate-limited like the password, failures count toward
/// lockout, and arriving without the password step leads back to it instead of an error.
/// </summary>
[AllowAnonymous]
public class LoginWithRecoveryCodeModel(SignInManager<IdentityUser> signInManager, IOptions<AdminOptions> admin) : PageModel
{
    [BindProperty]
    public RecoveryCodeInput Input { get; set; } = new();

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

        var result = await signInManager.TwoFactorRecoveryCodeSignInAsync(Input.RecoveryCode!.Replace(" ", "", StringComparison.Ordinal));
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut
            ? SecondStep.LockedOut(admin.Value)
            : "That recovery code does not match, or was already used.");
        return Refused();
    }

    private PageResult Refused()
    {
        Input = new RecoveryCodeInput();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public sealed class RecoveryCodeInput
    {
        [Required(ErrorMessage = "Type one of your recovery codes.")]
        [StringLength(64, ErrorMessage = "A recovery code is shorter than that.")]
        public string? RecoveryCode { get; set; }
    }
}
