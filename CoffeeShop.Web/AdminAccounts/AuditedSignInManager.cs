using System.Security.Claims;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>
/// Identity's sign-in with every outcome written to the audit log: a sign-in (password, or the second step
/// with an authenticator or recovery code), a failure under the email typed (never the password), a lockout,
/// and a sign-out. Here rather than in the pages, so the default UI's two-factor and sign-out pages are
/// audited too. Identity saves its own changes first; each entry is then saved on its own.
/// </summary>
public sealed class AuditedSignInManager(UserManager<IdentityUser> users, IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<IdentityUser> claimsFactory, IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<IdentityUser>> logger,
    IAuthenticationSchemeProvider schemes, IUserConfirmation<IdentityUser> confirmation, AppDbContext db, TimeProvider clock)
    : SignInManager<IdentityUser>(users, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        // A password that still needs its second step is not a sign-in yet: the second step is audited.
        if (!result.RequiresTwoFactor)
        {
            var user = result.Succeeded ? await UserManager.FindByNameAsync(userName) : null;
            await AuditAsync(result, user, userName);
        }

        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        await AuditAsync(result, user, null);
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        await AuditAsync(result, user, null);
        return result;
    }

    public override async Task<SignInResult> TwoFactorSignInAsync(string provider, string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorSignInAsync(provider, code, isPersistent, rememberClient);
        await AuditAsync(result, user, null);
        return result;
    }

    public override async Task SignOutAsync()
    {
        // Only a person signing out: the security stamp check also signs out a rejected cookie, before any user is known.
        var principal = Context.User;
        await base.SignOutAsync();
        if (principal.FindFirstValue(ClaimTypes.NameIdentifier) is not null)
        {
            var actor = AdminActor.Of(principal);
            await SaveAsync(actor, AuditAction.SignOut, actor.Name);
        }
    }

    private Task AuditAsync(SignInResult result, IdentityUser? user, string? typed)
    {
        var name = user?.Email ?? user?.UserName ?? typed?.Trim() ?? "unknown";
        if (result.Succeeded && user is not null)
        {
            return SaveAsync(new AdminActor(user.Id, name), AuditAction.SignIn, name);
        }

        // Nobody is signed in after a failure: the actor is the email typed (or the half-signed-in account), with no id.
        return SaveAsync(new AdminActor(null, name), result.IsLockedOut ? AuditAction.LockedOut : AuditAction.SignInFailed, name);
    }

    private async Task SaveAsync(AdminActor actor, AuditAction action, string email)
    {
        AuditTrail.Add(db, actor, action, $"admin {email}", null, null, clock.GetUtcNow());
        await db.SaveChangesAsync();
    }
}
