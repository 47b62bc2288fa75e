using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>Shipping priced on the server from the shop's zones, shown before payment, frozen on the order and charged with it.</summary>
public class CheckoutShippingTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Success = "ctoken_pm_card_visa";
    private const long Kiambu = 1690;
    private static readonly DeliveryAddress Amsterdam = new("Sanne de Vries", "Prinsengracht 263", null, "1016 GV", "Amsterdam", "NL");
    private static readonly DeliveryAddress Zurich = new("Urs Meier", "Bahnhofstrasse 1", null, "8001", "Zürich", "CH");

    private static async Task<Shopper> ShopperWithAsync(ShopFactory factory, params (string Slug, int Quantity)[] coffees)
    {
        var shopper = new Shopper(factory.CreateBrowserClient());
        foreach (var (slug, quantity) in coffees)
        {
            await shopper.AddToCartAsync(slug, quantity);
        }

        return shopper;
    }

    private RecordedRequest PaymentIntentCreate() => Assert.Single(Stripe.Requests, r => r.Method == "POST" && r.Path == "/v1/payment_intents");

    private async Task<Order> OrderAsync()
    {
        await using var db = Db();
        return await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Status == OrderStatus.Paid);
    }

    private static string Minor(long amount) => amount.ToString(CultureInfo.InvariantCulture);

    [Theory]
    // Germany: €4.90 under €40.00 of coffee, free from there on.
    [InlineData("DE", new[] { "kiambu-aa:1" }, Kiambu, 490)]
    [InlineData("DE", new[] { "kiambu-aa:2", "huila-el-mirador:1" }, (2 * Kiambu) + 1250, 0)]
    // The European Union zone: €9.90 under €75.00.
    [InlineData("NL", new[] { "kiambu-aa:1" }, Kiambu, 990)]
    [InlineData("NL", new[] { "house-espresso:3" }, 9600, 0)]
    // The rest of Europe: €14.90 whatever the order.
    [InlineData("CH", new[] { "house-espresso:3" }, 9600, 1490)]
    public async Task Post_Checkout_ChargesTheCoffeePlusTheZonesShippingAndFreezesBothOnTheOrder(string country, string[] cart, long subtotal, long shipping)
    {
        var shopper = await ShopperWithAsync(Factory, cart.Select(c => (c.Split(':')[0], int.Parse(c.Split(':')[1], CultureInfo.InvariantCulture))).ToArray());
        var address = country switch { "NL" => Amsterdam, "CH" => Zurich, _ => DeliveryAddress.Berlin };

        var response = await shopper.PayAsync(Success, address: address);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var order = await OrderAsync();
        Assert.Equal((subtotal, shipping, subtotal + shipping), (order.SubtotalMinor, order.ShippingMinor, order.TotalMinor));
        Assert.Equal(700, order.ShippingVatRateBasisPoints);
        Assert.All(order.Lines, l => Assert.Equal(700, l.VatRateBasisPoints));
        Assert.Equal(country, order.ShipCountry);
        Assert.Equal(Minor(subtotal + shipping), PaymentIntentCreate().Form["amount"]);
        await using var db = Db();
        Assert.Equal(subtotal + shipping, (await db.PaymentRecords.SingleAsync()).AmountMinor);
        var page = await shopper.FollowAsync(response);
        Assert.Equal(new Money(subtotal, "EUR").ToString(), page.QuerySelector("#order-subtotal")!.TextContent);
        Assert.Equal(shipping == 0 ? "Free" : new Money(shipping, "EUR").ToString(), page.QuerySelector("#order-shipping")!.TextContent);
        Assert.Equal(new Money(subtotal + shipping, "EUR").ToString(), page.QuerySelector("#order-total")!.TextContent);
    }

    [Fact]
    public async Task Post_Checkout_GoodsExactlyAtTheThreshold_ShipFree()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Shipping:Zones:0:FreeFrom"] = "33.80" });
        var shopper = await ShopperWithAsync(shop, ("kiambu-aa", 2));

        var response = await shopper.PayAsync(Success);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var order = await OrderAsync();
        Assert.Equal((2 * Kiambu, 0L, 2 * Kiambu), (order.SubtotalMinor, order.ShippingMinor, order.TotalMinor));
        Assert.Equal(Minor(2 * Kiambu), PaymentIntentCreate().Form["amount"]);
    }

    [Fact]
    public async Task Post_Checkout_SendsStripeExactlyTheShippingFormFields()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));

        await shopper.PayAsync(Success, address: DeliveryAddress.Berlin with { Line2 = "Hinterhaus, 3. OG", Phone = "+49 30 1234567" });

        var sent = PaymentIntentCreate().Form.Where(f => f.Key.StartsWith("shipping", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(new Dictionary<string, string>
        {
            ["shipping[name]"] = "Jana Schäfer",
            ["shipping[phone]"] = "+49 30 1234567",
            ["shipping[address][line1]"] = "Röstereistraße 1",
            ["shipping[address][line2]"] = "Hinterhaus, 3. OG",
            ["shipping[address][postal_code]"] = "10115",
            ["shipping[address][city]"] = "Berlin",
            ["shipping[address][country]"] = "DE",
        }, sent);

        // Stripe keeps it on the PaymentIntent and answers it in the object.
        var intent = Assert.Single(Stripe.PaymentIntents);
        var json = JsonNode.Parse(Stripe.PaymentIntentJson(intent.Id))!["shipping"]!;
        Assert.Equal("Jana Schäfer", (string?)json["name"]);
        Assert.Equal("DE", (string?)json["address"]!["country"]);
        Assert.Null(json["address"]!["state"]);
        Assert.Null(json["tracking_number"]);
    }

    [Fact]
    public async Task Post_Checkout_NoLine2OrPhone_SendsNeitherToStripe()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));

        await shopper.PayAsync(Success);

        var keys = PaymentIntentCreate().Form.Keys.Where(k => k.StartsWith("shipping", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(["shipping[address][city]", "shipping[address][country]", "shipping[address][line1]", "shipping[address][postal_code]", "shipping[name]"], keys);
    }

    [Theory]
    [InlineData("Shipping:Zones:0:Rate", "5.90")]
    [InlineData("Shipping:Zones:0:FreeFrom", "15.00")]
    [InlineData("Shop:VatRatePercent", "19")]
    public async Task Post_Checkout_PricesChangedBetweenTheFormAndThePost_IsOutOfDateAndChargesNothing(string setting, string value)
    {
        await using var changed = new ShopFactory(Stripe, new Dictionary<string, string?> { [setting] = value });
        var jar = new System.Net.CookieContainer();
#pragma warning disable CA2000 // the handlers belong to the clients, which the test host disposes with the factory
        var before = new Shopper(Factory.CreateDefaultClient(ShopFactory.BaseAddress, new CookieContainerHandler(jar)));
        var after = new Shopper(changed.CreateDefaultClient(ShopFactory.BaseAddress, new CookieContainerHandler(jar)));
#pragma warning restore CA2000
        await before.AddToCartAsync("kiambu-aa", 1);
        var form = await before.CheckoutPageAsync();
        Assert.Equal("Pay €21.80", form.QuerySelector("#pay-button")!.TextContent);

        var response = await after.PayAsync(Success, checkoutPage: form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains("This checkout form is out of date", page.QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(Stripe.Requests);
        await using var db = Db();
        Assert.Equal(0, await db.Orders.CountAsync());
        Assert.Equal(0, await db.PaymentRecords.CountAsync());
        if (setting == "Shipping:Zones:0:Rate")
        {
            Assert.Equal("Pay €22.80", page.QuerySelector("#pay-button")!.TextContent);
        }

        // The answered form carries the new prices: paying it charges them.
        var paid = await after.PayAsync(Success, checkoutPage: page);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
    }

    [Fact]
    public async Task Post_Checkout_TwoTabsWithTwoAddressesAfterADecline_TheOrderGoesWhereThePayingFormSaysAndChargesItsTotal()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));
        var berlinTab = await shopper.CheckoutPageAsync();
        var amsterdamTab = await shopper.CheckoutPageAsync();

        var declined = await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: berlinTab);
        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        var paid = await shopper.PayAsync(Success, "sanne@example.com", checkoutPage: amsterdamTab, address: Amsterdam);

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        await using var db = Db();
        var order = await db.Orders.SingleAsync();
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(("NL", "1016 GV", "Sanne de Vries", "sanne@example.com"), (order.ShipCountry, order.ShipPostalCode, order.ShipName, order.Email));
        Assert.Equal((Kiambu, 990L, Kiambu + 990), (order.SubtotalMinor, order.ShippingMinor, order.TotalMinor));
        var records = await db.PaymentRecords.OrderBy(r => r.Attempt).ToListAsync();
        Assert.Equal([Kiambu + 490, Kiambu + 990], records.Select(r => r.AmountMinor));
        var charged = Stripe.PaymentIntents.Single(pi => pi.Status == "succeeded");
        Assert.Equal(order.TotalMinor, charged.Amount);
        Assert.Equal("NL", charged.Shipping!.Country);
    }

    [Fact]
    public async Task Get_Order_VatRow_IsTheVatIncludedInTheTotalAndNetPlusVatIsTheTotal()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));
        var page = await shopper.FollowAsync(await shopper.PayAsync(Success));

        var total = Kiambu + 490;
        var vat = Vat.IncludedIn(total, 700);
        var row = Assert.Single(page.QuerySelectorAll("tr.vat"));
        Assert.Equal(new Money(vat, "EUR").ToString(), row.QuerySelector("td")!.TextContent);
        Assert.Contains($"Includes VAT 7 % on {new Money(total, "EUR")} (net {new Money(total - vat, "EUR")})", row.TextContent, StringComparison.Ordinal);
        Assert.Equal(total, (total - vat) + vat);
        Assert.Equal(143, vat);
    }

    [Fact]
    public async Task Get_Cart_ShowsTheSubtotalShippingToTheFirstZoneAndEveryZonesRate()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));

        var cart = await shopper.Client.GetDocumentAsync("/Cart");

        Assert.Equal("€16.90", cart.QuerySelector("#cart-subtotal")!.TextContent);
        Assert.Equal("€4.90", cart.QuerySelector("#cart-shipping")!.TextContent);
        Assert.Contains("Germany", cart.QuerySelector("#cart-shipping")!.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.Equal("€21.80", cart.QuerySelector("#cart-total")!.TextContent);
        var rates = cart.QuerySelectorAll("#shipping-rates li").Select(li => li.TextContent).ToList();
        Assert.Equal(3, rates.Count);
        Assert.StartsWith("Shipping to Germany: €4.90, free from €40.00", rates[0], StringComparison.Ordinal);
        Assert.StartsWith("Shipping to European Union: €9.90, free from €75.00", rates[1], StringComparison.Ordinal);
        Assert.Contains("Netherlands", rates[1], StringComparison.Ordinal);
        Assert.StartsWith("Shipping to Rest of Europe: €14.90", rates[2], StringComparison.Ordinal);
        Assert.DoesNotContain("free", rates[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Checkout_SaysWhatEachCountryCostsWithoutScriptAndPricesEveryOption()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));

        var page = await shopper.CheckoutPageAsync();

        Assert.Equal("€16.90", page.QuerySelector("#order-subtotal")!.TextContent);
        Assert.Equal("€4.90", page.QuerySelector("#order-shipping")!.TextContent);
        Assert.Equal("€21.80", page.QuerySelector("#order-total")!.TextContent);
        Assert.Equal("Pay €21.80", page.QuerySelector("#pay-button")!.TextContent);
        Assert.Equal("2180", page.QuerySelector("#checkout-form")!.GetAttribute("data-amount"));
        Assert.Equal(3, page.QuerySelectorAll("#shipping-rates li").Length);
        var germany = page.QuerySelector("#Input_Country option[value=DE]")!;
        Assert.True(germany.HasAttribute("selected"));
        var netherlands = page.QuerySelector("#Input_Country option[value=NL]")!;
        Assert.Equal(("Netherlands", "990", "€9.90", "2680", "€26.80"), (netherlands.TextContent, netherlands.GetAttribute("data-shipping"),
            netherlands.GetAttribute("data-shipping-text"), netherlands.GetAttribute("data-total"), netherlands.GetAttribute("data-total-text")));
        Assert.Equal(17, page.QuerySelectorAll("#Input_Country option").Length);
        Assert.Null(page.QuerySelector("#Input_Country option[value=US]"));
    }

    [Fact]
    public async Task Post_Checkout_RefusedForm_PricesTheCountryTheCustomerChose()
    {
        var shopper = await ShopperWithAsync(Factory, ("kiambu-aa", 1));

        var response = await shopper.PayAsync(Success, address: Zurich with { PostalCode = "80011" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.True(page.QuerySelector("#Input_Country option[value=CH]")!.HasAttribute("selected"));
        Assert.Equal("€14.90", page.QuerySelector("#order-shipping")!.TextContent);
        Assert.Equal("Pay €31.80", page.QuerySelector("#pay-button")!.TextContent);
    }
}
