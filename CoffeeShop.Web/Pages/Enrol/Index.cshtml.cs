using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Enrol;

/// <summary>
/// /Enrol?token=…: a colleague invited on the Team page sets a password and becomes an admin. The link works
/// once and until it expires; afterwards the page answers 410 with a plain explanation. The same token then
/// sets up the new admin's authenticator (<see cref="AuthenticatorEnrolment"/>).
/// </summary>
[AllowAnonymous]
[NoIndex]
public class IndexModel(AdminTeam team) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public EnrolInput Input { get; set; } = new();

    public string? Email { get; private set; }

    public bool LinkUnusable { get; private set; }

    public bool Enrolled { get; private set; }

    /// <summary>After enrolling: the authenticator set-up, which takes the same token once more.</summary>
    public string? AuthenticatorLink { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        NoStore();
        var invitation = await team.PendingInvitationAsync(Token, cancellationToken);
        if (invitation is null)
        {
            return Gone();
        }

        Email = invitation.Email;
        return Page();
    }

    [RateLimited(RateLimits.SignInPosts)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        NoStore();
        var invitation = await team.PendingInvitationAsync(Token, cancellationToken);
        if (invitation is null)
        {
            return Gone();
        }

        Email = invitation.Email;
        if (ModelState.IsValid && !string.Equals(Input.Password, Input.ConfirmPassword, StringComparison.Ordinal))
        {
            ModelState.AddModelError("Input.ConfirmPassword", "The two passwords differ.");
        }

        if (!ModelState.IsValid)
        {
            return Refused();
        }

        var (used, problems) = await team.EnrolAsync(Token, Input.Password!, cancellationToken);
        if (used is null)
        {
            return Gone();
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                ModelState.AddModelError("Input.Password", problem);
            }

            return Refused();
        }

        Enrolled = true;
        AuthenticatorLink = $"{RequireTwoFactorFilter.EnrolPath}?token={Uri.EscapeDataString(Token!)}";
        Input = new EnrolInput();
        return Page();
    }

    private PageResult Refused()
    {
        Input = new EnrolInput();
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

    public sealed class EnrolInput
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
}
