using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

public class CartTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static readonly string[] CartTables = ["carts", "cart_items", "products"];

    private static Task<HttpResponseMessage> AddFromProductPageAsync(HttpClient client, string slug, int quantity) =>
        new Shopper(client).AddToCartAsync(slug, quantity);

    private async Task<List<(string Slug, int Quantity)>> ItemsInDatabaseAsync()
    {
        await using var db = Db();
        var items = await db.CartItems.OrderBy(i => i.Id).Select(i => new { i.Product!.Slug, i.Quantity }).ToListAsync();
        return items.Select(i => (i.Slug, i.Quantity)).ToList();
    }

    [Fact]
    public async Task Post_Add_StoresItemInDatabaseAndRedirectsWith303()
    {
        var client = Factory.CreateBrowserClient();

        var response = await AddFromProductPageAsync(client, "kiambu-aa", 2);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/Cart", response.Headers.Location?.OriginalString);
        Assert.Equal([("kiambu-aa", 2)], await ItemsInDatabaseAsync());
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ShopCookies.HostPrefix + CartCookie.Name + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_Cart_ShowsLinesPricedFromDatabaseAndHeaderCount()
    {
        var client = Factory.CreateBrowserClient();
        await AddFromProductPageAsync(client, "kiambu-aa", 2);
        await AddFromProductPageAsync(client, "huila-el-mirador", 1);
        await AddFromProductPageAsync(client, "kiambu-aa", 1);
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1000));
        }

        var page = await client.GetDocumentAsync("/Cart");

        Assert.Equal([("kiambu-aa", 3), ("huila-el-mirador", 1)], await ItemsInDatabaseAsync());
        Assert.Equal("€42.50", page.QuerySelector("td.total")!.TextContent.Trim());
        Assert.Equal("4", page.QuerySelector(".cart-link .badge")!.TextContent.Trim());
        Assert.Equal("Added to your cart.", page.QuerySelector(".notice")!.TextContent);
    }

    [Fact]
    public async Task Post_Update_ChangesQuantityInDatabase()
    {
        var client = Factory.CreateBrowserClient();
        await AddFromProductPageAsync(client, "kiambu-aa", 2);
        var cart = await client.GetDocumentAsync("/Cart");

        var response = await client.SubmitAsync(cart.Form("form[action*='handler=Update']"), new Dictionary<string, string?> { ["Input.Quantity"] = "7" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal([("kiambu-aa", 7)], await ItemsInDatabaseAsync());
        Assert.Equal("Cart updated.", (await client.GetDocumentAsync("/Cart")).QuerySelector(".notice")!.TextContent);
    }

    [Fact]
    public async Task Post_Remove_DeletesItemFromDatabase()
    {
        var client = Factory.CreateBrowserClient();
        await AddFromProductPageAsync(client, "kiambu-aa", 2);
        await AddFromProductPageAsync(client, "cerrado-sunrise", 1);
        var cart = await client.GetDocumentAsync("/Cart");

        var removeKiambu = cart.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlFormElement>("form[action*='handler=Remove']")
            .Single(f => f.QuerySelector("button")!.GetAttribute("aria-label") == "Remove Kiambu AA");
        var response = await client.SubmitAsync(removeKiambu);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal([("cerrado-sunrise", 1)], await ItemsInDatabaseAsync());
    }

    [Fact]
    public async Task Cart_SurvivesAppRestart()
    {
        var client = Factory.CreateBrowserClient();
        var added = await AddFromProductPageAsync(client, "antigua-san-miguel", 3);
        var cartCookie = added.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ShopCookies.HostPrefix + CartCookie.Name + "=", StringComparison.Ordinal)).Split(';')[0];

        // A second, freshly started app on the same database stands for a restart or another instance.
        await using var restarted = new ShopFactory();
        var otherClient = restarted.CreateBrowserClient();
        otherClient.DefaultRequestHeaders.Add("Cookie", cartCookie);
        var page = await otherClient.GetDocumentAsync("/Cart");

        Assert.Contains("Antigua San Miguel", page.QuerySelector("table.cart")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("3", page.QuerySelector(".cart-link .badge")!.TextContent.Trim());
    }

    public static TheoryData<string, string, string?, string?> BadInputs => new()
    {
        // handler, product (slug or raw id), quantity, description
        { "Add", "kiambu-aa", "0", "zero" },
        { "Add", "kiambu-aa", "100", "above the range" },
        { "Add", "kiambu-aa", "-1", "negative" },
        { "Add", "kiambu-aa", "abc", "not a number" },
        { "Add", "kiambu-aa", "", "empty" },
        { "Add", "kiambu-aa", null, "missing" },
        { "Add", "kiambu-aa", "1.5", "a fraction" },
        { "Add", "kiambu-aa", "99999999999", "overflowing int" },
        { "Add", "kiambu-aa", "98", "the cart already holds 2: total would pass 99" },
        { "Add", "#999999", "1", "unknown product" },
        { "Add", "#abc", "1", "non-numeric product id" },
        { "Add", "#", "1", "empty product id" },
        { "Add", "sumatra-gayo", "1", "inactive product" },
        { "Add", "decaf-sierra", "1", "out of stock" },
        { "Update", "kiambu-aa", "0", "update to zero" },
        { "Update", "kiambu-aa", "1000", "update above the range" },
        { "Update", "huila-el-mirador", "2", "update a product not in the cart" },
        { "Update", "kiambu-aa", "１", "full-width digit" },
        { "Remove", "huila-el-mirador", null, "remove a product not in the cart" },
        { "Remove", "#-5", null, "remove a negative id" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Post_BadCartInput_ShowsMessageAndChangesNoRow(string handler, string product, string? quantity, string? description)
    {
        var client = Factory.CreateBrowserClient();
        await AddFromProductPageAsync(client, "kiambu-aa", 2);
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "sumatra-gayo").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var productId = product.StartsWith('#') ? product[1..] : (await ProductIdAsync(product)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = (await client.GetDocumentAsync("/Cart")).Form("form[action*='handler=Update']").AntiforgeryToken();
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Input.ProductId"] = productId };
        if (quantity is not null)
        {
            fields["Input.Quantity"] = quantity;
        }

        var before = await TableSnapshot.TakeAsync(CartTables);
        var response = await client.PostAsync(new Uri(ShopFactory.BaseAddress, $"/Cart?handler={handler}"), new FormUrlEncodedContent(fields));
        var after = await TableSnapshot.TakeAsync(CartTables);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{description}: answered {(int)response.StatusCode}");
        var page = await HtmlForms.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector(".errors li")?.TextContent), $"{description}: no validation message");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Post_Add_WithoutAntiforgeryToken_Returns400AndChangesNothing()
    {
        var client = Factory.CreateBrowserClient();
        var productId = await ProductIdAsync("kiambu-aa");
        var before = await TableSnapshot.TakeAsync(CartTables);

        var response = await client.PostAsync(new Uri(ShopFactory.BaseAddress, "/Cart?handler=Add"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.ProductId"] = productId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Quantity"] = "1",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await TableSnapshot.TakeAsync(CartTables));
    }

    private async Task<int> ProductIdAsync(string slug)
    {
        await using var db = Db();
        return await db.Products.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
    }
}
