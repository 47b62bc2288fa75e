using System.Net;
using System.Security.Cryptography;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

public class TwoFactorTests(ShopFixture fixture) : ShopTest(fixture)
{
    private ShopFactory RequiringTwoFactor() => new(Stripe, new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" },
        services: s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));

    /// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as an authenticator app computes it.</summary>
    private static string Totp(string base32Key)
    {
        var key = Base32(base32Key);
        var counter = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // RFC 6238 authenticators use HMAC-SHA1; this computes what the admin's phone would.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var code = ((hash[offset] & 0x7F) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.TrimEnd('=').ToUpperInvariant().Select(c => Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    [Fact]
    public async Task Get_Admin_WithoutAnAuthenticator_IsSentToEnrolFirst()
    {
        await using var shop = RequiringTwoFactor();
        var admin = await AdminSession.SignInAsync(shop);

        var response = await admin.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Identity/Account/Manage/EnableAuthenticator", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithAuthenticator_AsksForTheCodeThenOpensAdmin()
    {
        await using var shop = RequiringTwoFactor();
        var user = await AdminSession.CreateUserAsync(shop, "otp-admin@coffeeshop.test", admin: true);
        string key;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var stored = await users.FindByIdAsync(user.Id);
            await users.ResetAuthenticatorKeyAsync(stored!);
            key = (await users.GetAuthenticatorKeyAsync(stored!))!;
            await users.SetTwoFactorEnabledAsync(stored!, true);
        }

        var client = shop.CreateBrowserClient();
        var signIn = await AdminSession.SubmitSignInAsync(client, "otp-admin@coffeeshop.test", AdminSession.Password, "/Admin/Payments");
        Assert.Contains("LoginWith2fa", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var codePage = await client.FollowRedirectAsync(signIn);
        var verified = await client.SubmitAsync(codePage.Form("form[method=post]"),
            new Dictionary<string, string?> { ["Input.TwoFactorCode"] = Totp(key) });
        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);

        var list = await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task PasswordChange_SignsOtherSessionsOut()
    {
        await using var shop = new ShopFactory(Stripe, services: s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        var other = await AdminSession.SignInAsync(shop, "moved@coffeeshop.test");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"))).StatusCode);

        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = await users.FindByEmailAsync("moved@coffeeshop.test");
            Assert.True((await users.ChangePasswordAsync(user!, AdminSession.Password, "a-brand-new-long-password")).Succeeded);
        }

        var after = await other.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"));

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Identity/Account/Login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
