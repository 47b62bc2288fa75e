using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CoffeeShop.Web.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>An enrolment link just made: the token travels only in it, and is never stored but as a hash.</summary>
public sealed record EnrolmentLink(string Token, DateTimeOffset ExpiresAt, Uri Url);

/// <summary>
/// The one-time token an admin presents to set up their authenticator the first time. Without it, whoever
/// learns a new admin's password before they enrol could sign in first and register an authenticator of
/// their own, owning the account for good. The token is handed out with the account (printed by create-admin,
/// carried on by an invitation's link); only its SHA-256 and expiry are kept, in Identity's user tokens table,
/// and enrolling removes it.
/// </summary>
public sealed class AuthenticatorEnrolment(UserManager<IdentityUser> users, IOptions<AdminOptions> options, IOptions<EmailOptions> email, TimeProvider clock)
{
    /// <summary>Identity's user tokens table keys a token by provider and name; these are the shop's own.</summary>
    private const string Provider = "CoffeeShop";
    private const string TokenName = "AuthenticatorEnrolment";
    private const int MaxTokenLength = 100;

    /// <summary>
    /// A new token for <paramref name="user"/>, replacing any earlier one, and a new authenticator key: a key
    /// someone saw before this token existed no longer matches. The key change also renews the security stamp,
    /// which signs every session of the account out.
    /// </summary>
    public async Task<EnrolmentLink> IssueAsync(IdentityUser user)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expiresAt = clock.GetUtcNow().AddHours(options.Value.EnrolmentTokenHours);
        Succeeded(await users.ResetAuthenticatorKeyAsync(user));
        await StoreAsync(user, Hash(token), expiresAt);
        return new EnrolmentLink(token, expiresAt, Link(token));
    }

    /// <summary>
    /// An invited admin's account was just made with the invitation's token: the same token then sets up the
    /// authenticator, so the one link the admin was given leads through both steps.
    /// </summary>
    public async Task IssueForInvitationAsync(IdentityUser user, byte[] invitationTokenHash)
    {
        var expiresAt = clock.GetUtcNow().AddHours(options.Value.EnrolmentTokenHours);
        await StoreAsync(user, invitationTokenHash, expiresAt);
    }

    /// <summary>Whether <paramref name="token"/> is the user's enrolment token, unused and unexpired.</summary>
    public async Task<bool> IsValidAsync(IdentityUser user, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength
            || await users.GetAuthenticationTokenAsync(user, Provider, TokenName) is not { } stored)
        {
            return false;
        }

        // Stored as "{expiry in Unix seconds}.{base64url SHA-256 of the token}".
        var parts = stored.Split('.');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && DateTimeOffset.FromUnixTimeSeconds(expires) > clock.GetUtcNow()
            && Base64Url.IsValid(parts[1])
            && CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(parts[1]), Hash(token));
    }

    /// <summary>
    /// Uses the token up. Identity saves the user with its concurrency stamp, so of two requests that read the
    /// same token, the second fails here rather than enrolling a second time.
    /// </summary>
    public async Task<bool> ConsumeAsync(IdentityUser user) =>
        (await users.RemoveAuthenticationTokenAsync(user, Provider, TokenName)).Succeeded;

    /// <summary>On the shop's configured address when there is one (never a request's Host header), else the path alone.</summary>
    public Uri Link(string token)
    {
        var path = $"{RequireTwoFactorFilter.EnrolPath.TrimStart('/')}?token={Uri.EscapeDataString(token)}";
        return Uri.TryCreate(email.Value.ShopUrl, UriKind.Absolute, out _)
            ? new Uri(email.Value.ShopUri, path)
            : new Uri("/" + path, UriKind.Relative);
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private async Task StoreAsync(IdentityUser user, byte[] hash, DateTimeOffset expiresAt) =>
        Succeeded(await users.SetAuthenticationTokenAsync(user, Provider, TokenName,
            string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}.{Base64Url.EncodeToString(hash)}")));

    private static void Succeeded(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The enrolment token could not be stored: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
