using System.Net;
using CoffeeShop.Web.AdminAccounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// A signed-in staff browser: the user is made through the app's own UserManager and RoleManager, then
/// signs in through the real sign-in form (antiforgery token included), as a person would.
/// </summary>
public static class AdminSession
{
    public const string Password = "correct-horse-battery-staple";

    /// <summary>A browser client (no auto-redirect) holding the auth cookie of <paramref name="email"/>, an admin unless told otherwise.</summary>
    public static async Task<HttpClient> SignInAsync(ShopFactory factory, string email = "admin@coffeeshop.test", bool admin = true)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await CreateUserAsync(factory, email, admin);
        var client = factory.CreateBrowserClient();
        var response = await SubmitSignInAsync(client, email, Password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"signing in {email} answered {(int)response.StatusCode}");
        return client;
    }

    /// <summary>Creates the user with <see cref="Password"/> when missing; adds the Admin role when asked.</summary>
    public static async Task<IdentityUser> CreateUserAsync(ShopFactory factory, string email, bool admin)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        // Respawn empties the Identity tables, roles included, before every test.
        if (!await roles.RoleExistsAsync(AdminRegistration.Role))
        {
            Succeeded(await roles.CreateAsync(new IdentityRole(AdminRegistration.Role)));
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Succeeded(await users.CreateAsync(user, Password));
        }

        if (admin && !await users.IsInRoleAsync(user, AdminRegistration.Role))
        {
            Succeeded(await users.AddToRoleAsync(user, AdminRegistration.Role));
        }

        return user;
    }

    /// <summary>Opens the sign-in page (with <paramref name="returnUrl"/> when given) and submits its form.</summary>
    public static async Task<HttpResponseMessage> SubmitSignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var url = returnUrl is null ? AdminRegistration.SignInPath : $"{AdminRegistration.SignInPath}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var page = await client.GetDocumentAsync(url);
        return await client.SubmitAsync(page.Form("form.sign-in-form"), new Dictionary<string, string?>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    private static void Succeeded(IdentityResult result) =>
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
}
