using System.ComponentModel.DataAnnotations;
using System.Text;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account.Manage;

/// <summary>
/// Replaces the default UI's authenticator set-up, where whoever signed in first with a new admin's password
/// could register their own authenticator. The key is shown, and an authenticator enabled, only for a request
/// carrying the account's one-time enrolment token (<see cref="AuthenticatorEnrolment"/>), or in a session that
/// already signed in with two factors (an admin moving to a new phone after "Reset authenticator app").
/// Anyone else gets a page saying how to get a new link, and no key.
/// </summary>
[AllowsUnenrolledAdmin]
public class EnableAuthenticatorModel(UserManager<IdentityUser> users, SignInManager<IdentityUser> signInManager,
    AuthenticatorEnrolment enrolment, IOptions<ShopOptions> shop, ILogger<EnableAuthenticatorModel> logger) : PageModel
{
    /// <summary>The enrolment token, from the link the admin was given.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public CodeInput Input { get; set; } = new();

    /// <summary>The key in groups of four, for typing into an app that cannot scan.</summary>
    public string? SharedKey { get; private set; }

    public string? AuthenticatorUri { get; private set; }

    public AuthenticatorQrCode? QrCode { get; private set; }

    public string? Email { get; private set; }

    public bool NeedsNewLink { get; private set; }

    public bool Enabled { get; private set; }

    /// <summary>Shown once, in the response that enables two-factor (never kept in TempData or a redirect).</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!await MayEnrolAsync(user))
        {
            return NewLinkNeeded();
        }

        await LoadKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        NoStore();
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!await MayEnrolAsync(user))
        {
            return NewLinkNeeded();
        }

        var code = Input.Code?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (ModelState.IsValid
            && !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code!))
        {
            ModelState.AddModelError("Input.Code", "That code does not match. Check the phone's clock and type the code the app shows now.");
        }

        if (!ModelState.IsValid)
        {
            await LoadKeyAsync(user);
            Input = new CodeInput();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // The token goes first: of two submits of one link, the second fails here and enrols nothing.
        if (!await enrolment.ConsumeAsync(user))
        {
            return NewLinkNeeded();
        }

        Succeeded(await users.SetTwoFactorEnabledAsync(user, true));
        if (await users.CountRecoveryCodesAsync(user) == 0)
        {
            RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? []];
        }

        // Enabling renewed the security stamp, which is checked on every request: keep this session signed in.
        await signInManager.RefreshSignInAsync(user);
        logger.LogInformation("An admin set up two-factor sign-in with an authenticator app");
        Enabled = true;
        return Page();
    }

    private async Task<bool> MayEnrolAsync(IdentityUser user) =>
        User.HasClaim(AdminRegistration.AuthenticationMethod, "mfa") || await enrolment.IsValidAsync(user, Token);

    private async Task LoadKeyAsync(IdentityUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            Succeeded(await users.ResetAuthenticatorKeyAsync(user));
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            // A new key renews the security stamp too.
            await signInManager.RefreshSignInAsync(user);
        }

        Email = await users.GetEmailAsync(user);
        SharedKey = Grouped(key);
        var issuer = Uri.EscapeDataString(shop.Value.Name);
        AuthenticatorUri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(Email ?? user.Id)}?secret={key}&issuer={issuer}&digits=6";
        QrCode = AuthenticatorQrCode.Of(AuthenticatorUri);
    }

    private PageResult NewLinkNeeded()
    {
        NeedsNewLink = true;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    // The page carries a one-time secret in its address and the authenticator key in its body.
    private void NoStore() => Response.Headers.CacheControl = "no-store";

    private static string Grouped(string key)
    {
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            grouped.Append(grouped.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return grouped.ToString().ToLowerInvariant();
    }

    private static void Succeeded(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Two-factor set-up failed in Identity: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    public sealed class CodeInput
    {
        [Required(ErrorMessage = "Type the six-digit code your authenticator app shows.")]
        [StringLength(7, MinimumLength = 6, ErrorMessage = "The code has six digits.")]
        [Display(Name = "Code from the app")]
        public string? Code { get; set; }
    }
}
