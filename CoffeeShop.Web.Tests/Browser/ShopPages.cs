using System.Globalization;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>What a person does on the shop's pages, with the mouse (clicks) and the keyboard (types).</summary>
public static class ShopPages
{
    /// <summary>From the catalog: opens the coffee called <paramref name="name"/>, sets the quantity and adds it; ends on the cart.</summary>
    public static async Task AddFromCatalogAsync(this BrowserSession session, string name, int quantity)
    {
        ArgumentNullException.ThrowIfNull(session);
        var page = session.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await page.GetByLabel("Quantity").FillAsync(quantity.ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await session.WaitForPathAsync("^/Cart$");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Added to your cart.");
    }

    /// <summary>On the checkout: types the delivery address into its fields (<see cref="DeliveryAddress.Berlin"/> unless another is given) and picks the country.</summary>
    public static async Task FillAddressAsync(this BrowserSession session, DeliveryAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var page = session.Page;
        address ??= DeliveryAddress.Berlin;
        await page.GetByLabel("Full name", new() { Exact = true }).FillAsync(address.Name);
        await page.GetByLabel("Street and house number", new() { Exact = true }).FillAsync(address.Line1);
        await page.GetByLabel("Postal code", new() { Exact = true }).FillAsync(address.PostalCode);
        await page.GetByLabel("Town or city", new() { Exact = true }).FillAsync(address.City);
        await page.GetByLabel("Country", new() { Exact = true }).SelectOptionAsync(address.Country);
    }

    /// <summary>Signs in through the real sign-in page, which the browser must be on.</summary>
    public static async Task SignInAsync(this BrowserSession session, string email, string password = AdminSession.Password)
    {
        ArgumentNullException.ThrowIfNull(session);
        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.Locator("form.sign-in-form").GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (at most <paramref name="limit"/> presses).</summary>
    public static async Task TabToAsync(this IPage page, string selector, int limit = 60)
    {
        ArgumentNullException.ThrowIfNull(page);
        var seen = new List<string>();
        for (var i = 0; i < limit; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>(
                "(selector) => { const e = document.activeElement; if (!e) return ''; return e.matches(selector) ? 'MATCH' : e.outerHTML.slice(0, 80); }",
                selector);
            if (focused == "MATCH")
            {
                return;
            }

            seen.Add(focused);
        }

        Assert.Fail($"Tab never reached '{selector}' on {page.Url}; focus went through:\n{string.Join("\n", seen)}");
    }

    /// <summary>Which element has the keyboard focus (its outer HTML, shortened).</summary>
    public static Task<string> FocusedAsync(this IPage page) =>
        page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''");
}
