using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account;

/// <summary>
/// Replaces the default UI's page: the link from the reset email (?email=…&amp;code=…) sets a new password once.
/// A used, expired or altered link answers 410 with a plain explanation, before and after the form.
/// </summary>
[AllowAnonymous]
public class ResetPasswordModel(AdminPasswordReset reset) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty]
    public ResetPasswordInput Input { get; set; } = new();

    public bool LinkUnusable { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        NoStore();
        return await reset.LinkWorksAsync(Email, Code) ? Page() : Gone();
    }

    [RateLimited(RateLimits.SignInPosts)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        NoStore();
        if (!await reset.LinkWorksAsync(Email, Code))
        {
            return Gone();
        }

        if (ModelState.IsValid && !string.Equals(Input.Password, Input.ConfirmPassword, StringComparison.Ordinal))
        {
            ModelState.AddModelError("Input.ConfirmPassword", "The two passwords differ.");
        }

        if (!ModelState.IsValid)
        {
            return Refused();
        }

        var outcome = await reset.ResetAsync(Email, Code, Input.Password!, cancellationToken);
        switch (outcome.Result)
        {
            case PasswordResetResult.Reset:
                return new SeeOtherResult(Url.Page("./ResetPasswordConfirmation")!);
            case PasswordResetResult.LinkUnusable:
                return Gone();
            default:
                foreach (var problem in outcome.Problems)
                {
                    ModelState.AddModelError("Input.Password", problem);
                }

                return Refused();
        }
    }

    private PageResult Refused()
    {
        Input = new ResetPasswordInput();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private PageResult Gone()
    {
        LinkUnusable = true;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    // The page carries a one-time secret in its address: no cache may keep it.
    private void NoStore() => Response.Headers.CacheControl = "no-store";
}

public sealed class ResetPasswordInput
{
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(256, MinimumLength = AdminRegistration.MinimumPasswordLength,
        ErrorMessage = "Use at least 12 characters (and no more than 256).")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [Required(ErrorMessage = "Type the password again.")]
    [DataType(DataType.Password)]
    public string? ConfirmPassword { get; set; }
}
