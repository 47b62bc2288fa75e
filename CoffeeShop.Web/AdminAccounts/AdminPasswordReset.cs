using System.Diagnostics;
using System.Text;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>What a reset link did: set the password, or was refused because the link or the password was.</summary>
public enum PasswordResetResult
{
    Reset,
    LinkUnusable,
    PasswordRefused,
}

/// <summary>The result and, when the password was refused, Identity's reasons.</summary>
public sealed record PasswordResetOutcome(PasswordResetResult Result, IReadOnlyList<string> Problems);

/// <summary>
/// Identity's forgotten-password flow for admins, by email through the outbox. A request for an active admin
/// queues a link carrying Identity's reset token (one use: the reset changes the security stamp the token is
/// bound to, which also ends the admin's other sessions); any other address queues nothing, and the caller
/// cannot tell which happened, not even by the time the answer takes.
/// </summary>
public sealed class AdminPasswordReset(AppDbContext db, UserManager<IdentityUser> users, IOptions<EmailOptions> emailOptions, TimeProvider clock)
{
    /// <summary>
    /// Every request answers after at least this long, so an existing account (a token, a row and an audit
    /// entry written) cannot be told from an unknown address by the response time.
    /// </summary>
    public static readonly TimeSpan MinimumRequestTime = TimeSpan.FromMilliseconds(400);

    private const string ResetPagePath = "Identity/Account/ResetPassword";

    /// <summary>Identity's tokens are a few hundred characters; anything much longer is not one.</summary>
    private const int MaxCodeLength = 2000;

    /// <summary>Queues a reset link for an active admin with this address; does nothing, as slowly, for any other.</summary>
    public async Task RequestAsync(string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var started = Stopwatch.GetTimestamp();
        var user = await ActiveAdminAsync(email);
        if (user?.Email is { } address)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var now = clock.GetUtcNow();
            Outbox.PasswordReset(db, address, ResetLink(address, token).AbsoluteUri, now);
            // Nobody is signed in: the actor is the account asked about, without an id (as for a failed sign-in).
            AuditTrail.Add(db, new AdminActor(null, address), AuditAction.PasswordResetRequested, $"admin {address}", null, null, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        // Wall-clock time on purpose: what is hidden is how long this response takes, not a moment in the shop's day.
        var remaining = MinimumRequestTime - Stopwatch.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken);
        }
    }

    /// <summary>Whether a link (its email and code) could still set a password, so the page can say so before asking for one.</summary>
    public async Task<bool> LinkWorksAsync(string? email, string? code)
    {
        var user = await ActiveAdminAsync(email);
        return user is not null && Decode(code) is { } token
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<IdentityUser>.ResetPasswordTokenPurpose, token);
    }

    /// <summary>Sets the new password, changes the security stamp (the link and every other session end) and audits it, in one transaction.</summary>
    public async Task<PasswordResetOutcome> ResetAsync(string? email, string? code, string password, CancellationToken cancellationToken)
    {
        var user = await ActiveAdminAsync(email);
        if (user?.Email is not { } address || Decode(code) is not { } token)
        {
            return new PasswordResetOutcome(PasswordResetResult.LinkUnusable, []);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
        {
            // A stale concurrency stamp means another reset with this link won the race: the link is used.
            var unusable = result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.InvalidToken) or nameof(IdentityErrorDescriber.ConcurrencyFailure));
            return unusable
                ? new PasswordResetOutcome(PasswordResetResult.LinkUnusable, [])
                : new PasswordResetOutcome(PasswordResetResult.PasswordRefused, result.Errors.Select(e => e.Description).ToList());
        }

        AuditTrail.Add(db, new AdminActor(user.Id, address), AuditAction.PasswordReset, $"admin {address}", null, null, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PasswordResetOutcome(PasswordResetResult.Reset, []);
    }

    /// <summary>
    /// On the shop's configured address, never the request's Host header, which whoever asks for a reset chooses.
    /// The token is base64url-encoded, as the Identity UI does, so it survives a URL unchanged.
    /// </summary>
    private Uri ResetLink(string email, string token) => new(emailOptions.Value.ShopUri,
        $"{ResetPagePath}?email={Uri.EscapeDataString(email)}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}");

    /// <summary>
    /// An admin who may sign in at all: a disabled admin gets no link, and a link made before disabling does nothing.
    /// One query whether or not the address exists, so the reset page's time does not tell either.
    /// </summary>
    private async Task<IdentityUser?> ActiveAdminAsync(string? email)
    {
        var address = email?.Trim();
        if (string.IsNullOrEmpty(address) || address.Length > 256)
        {
            return null;
        }

        var normalizedEmail = users.NormalizeEmail(address);
        var normalizedRole = users.NormalizeName(AdminRegistration.Role);
        var found = await db.Users
            .Where(u => u.NormalizedEmail == normalizedEmail)
            .Select(u => new
            {
                User = u,
                Admin = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == normalizedRole)),
            })
            .SingleOrDefaultAsync();
        return found is { Admin: true } && !AdminTeam.IsDisabled(found.User.LockoutEnd) ? found.User : null;
    }

    private static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxCodeLength)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
