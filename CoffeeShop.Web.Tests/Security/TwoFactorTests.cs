using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace CoffeeShop.Web.Tests.Security;

public class TwoFactorTests(ShopFixture fixture) : ShopTest(fixture)
{
    private ShopFactory RequiringTwoFactor() => new(Stripe, new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" },
        services: s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));

    /// <summary>The code an authenticator app shows now (RFC 6238: SHA-1, 30 s, 6 digits).</summary>
    private static string Totp(string base32Key) => new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(DateTime.UtcNow);

    [Fact]
    public async Task Get_Admin_WithoutAnAuthenticator_IsSentToEnrolFirst()
    {
        await using var shop = RequiringTwoFactor();
        var admin = await AdminSession.SignInAsync(shop);

        var response = await admin.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Identity/Account/Manage/EnableAuthenticator", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/Identity/Account/Manage")]
    [InlineData("/Identity/Account/Manage/ChangePassword")]
    [InlineData("/Identity/Account/Manage/DeletePersonalData")]
    [InlineData("/Identity/Account/Manage/ResetAuthenticator")]
    [InlineData("/Identity/Account/Manage/TwoFactorAuthentication")]
    public async Task Get_AccountManagement_WithoutAnAuthenticator_IsSentToEnrolFirst(string page)
    {
        await using var shop = RequiringTwoFactor();
        var admin = await AdminSession.SignInAsync(shop);

        var response = await admin.GetAsync(new Uri(ShopFactory.BaseAddress, page));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Identity/Account/Manage/EnableAuthenticator", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Post_DeletePersonalDataAndChangePassword_WithThePasswordAlone_ChangeNothing()
    {
        await using var shop = RequiringTwoFactor();
        var admin = await AdminSession.SignInAsync(shop, "not-enrolled@coffeeshop.test");
        // A valid token for this session, from the sign-out form every page carries.
        var token = (await admin.GetDocumentAsync("/Cart")).Form("form[action^='/Identity/Account/Logout']").AntiforgeryToken();

        var delete = await admin.PostAsync(new Uri(ShopFactory.BaseAddress, "/Identity/Account/Manage/DeletePersonalData"), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Input.Password"] = AdminSession.Password }));
        var change = await admin.PostAsync(new Uri(ShopFactory.BaseAddress, "/Identity/Account/Manage/ChangePassword"), new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Input.OldPassword"] = AdminSession.Password,
                ["Input.NewPassword"] = "a-password-of-the-intruder",
                ["Input.ConfirmPassword"] = "a-password-of-the-intruder",
            }));

        Assert.Equal("/Identity/Account/Manage/EnableAuthenticator", delete.Headers.Location?.OriginalString);
        Assert.Equal("/Identity/Account/Manage/EnableAuthenticator", change.Headers.Location?.OriginalString);
        await using var scope = shop.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync("not-enrolled@coffeeshop.test");
        Assert.NotNull(user);
        Assert.True(await users.CheckPasswordAsync(user, AdminSession.Password));
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

    [Fact]
    public async Task Get_SecondSignInSteps_WithoutThePasswordStep_LeadBackToSignIn()
    {
        var client = Factory.CreateBrowserClient();

        var code = await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Identity/Account/LoginWith2fa?returnUrl=%2FAdmin%2FTeam"));
        var recovery = await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Identity/Account/LoginWithRecoveryCode"));

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/Identity/Account/Login?returnUrl=%2FAdmin%2FTeam", code.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, recovery.StatusCode);
        Assert.StartsWith("/Identity/Account/Login", recovery.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
