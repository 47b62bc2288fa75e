using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account;

/// <summary>
/// Replaces the default UI's page: an admin who forgot the password asks for a reset link by email. Every
/// valid request gets the same answer, in no less time, whether or not the address belongs to an admin.
/// </summary>
[AllowAnonymous]
public class ForgotPasswordModel(AdminPasswordReset reset) : PageModel
{
    [BindProperty]
    public ForgotPasswordInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    [RateLimited(RateLimits.SignInPosts)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        await reset.RequestAsync(Input.Email!, cancellationToken);
        return new SeeOtherResult(Url.Page("./ForgotPasswordConfirmation")!);
    }
}

public sealed class ForgotPasswordInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "Enter a valid email address.")]
    public string? Email { get; set; }
}
