using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>The delivery address on the checkout form: refused with a message beside the field and nothing written or charged, or kept exactly as typed.</summary>
public class CheckoutAddressTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Success = "ctoken_pm_card_visa";
    private static readonly DeliveryAddress Berlin = DeliveryAddress.Berlin;
    private static readonly string[] WrittenByACheckout = ["orders", "order_lines", "payment_records", "products", "carts", "cart_items"];

    private async Task<Shopper> ShopperWithCartAsync()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        return shopper;
    }

    /// <summary>Each: the address posted, the field whose message must show, words of that message, and whether the field shows again exactly as typed.</summary>
    public static TheoryData<string, DeliveryAddress, string, string, bool> BadAddresses => new()
    {
        { "no name", Berlin with { Name = "" }, "Name", "Enter the name", true },
        { "no street", Berlin with { Line1 = "   " }, "Line1", "Enter the street", true },
        { "no postal code", Berlin with { PostalCode = "" }, "PostalCode", "Enter the postal code", true },
        { "no city", Berlin with { City = "" }, "City", "Enter the town or city", true },
        { "no country", Berlin with { Country = "" }, "Country", "Choose the country", false },
        { "10 000-character street", Berlin with { Line1 = new string('a', 10_000) }, "Line1", "at most 100 characters", true },
        { "10 000-character second line", Berlin with { Line2 = new string('ß', 10_000) }, "Line2", "at most 100 characters", true },
        { "CR LF in the street", Berlin with { Line1 = "Röstereistraße 1\r\nEvil: yes" }, "Line1", "line breaks", false },
        { "tab in the second line", Berlin with { Line2 = "Hinterhaus\t3. OG" }, "Line2", "tabs", false },
        { "bidi override in the city", Berlin with { City = "Berlin\u202Egnp.exe" }, "City", "invisible characters", false },
        { "bidi isolate in the name", Berlin with { Name = "Jana \u2067Schäfer\u2069" }, "Name", "invisible characters", false },
        { "a country the shop does not ship to", Berlin with { Country = "JP" }, "Country", "We do not ship there", false },
        { "an unknown country code", Berlin with { Country = "ZZ" }, "Country", "We do not ship there", false },
        { "a German postal code of four digits", Berlin with { PostalCode = "1011" }, "PostalCode", "like 10115 for Germany", true },
        { "a Dutch postal code starting with 0", new DeliveryAddress("Sanne de Vries", "Prinsengracht 263", null, "0123 AB", "Amsterdam", "NL"), "PostalCode", "like 1012 AB for Netherlands", true },
        { "a phone number in letters", Berlin with { Phone = "call me maybe" }, "Phone", "digits, spaces", true },
        { "markup as the phone number", Berlin with { Phone = "<img src=x>030" }, "Phone", "digits, spaces", true },
        { "markup in the name and a bad phone", Berlin with { Name = "<b>Jana</b> <script>alert(1)</script>", Phone = "x" }, "Phone", "digits, spaces", true },
    };

    [Theory]
    [MemberData(nameof(BadAddresses))]
    public async Task Post_Checkout_BadAddress_ShowsTheMessageBesideTheFieldKeepsWhatWasTypedAndWritesAndChargesNothing(
        string why, DeliveryAddress address, string field, string message, bool keptAsTyped)
    {
        var shopper = await ShopperWithCartAsync();
        var page = await shopper.CheckoutPageAsync();
        var before = await TableSnapshot.TakeAsync(WrittenByACheckout);

        var response = await shopper.PayAsync(Success, "ada@example.com", checkoutPage: page, address: address);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: answered {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        var form = await HtmlForms.ParseAsync(response);
        Assert.Contains(message, form.QuerySelector($"[data-valmsg-for='Input.{field}']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(message, form.QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("ada@example.com", form.QuerySelector("#Input_Email")!.GetAttribute("value"));
        var typed = address.FormFields();
        foreach (var (name, value) in typed.Where(f => f.Key != "Input.Country" && (f.Key != $"Input.{field}" || keptAsTyped)))
        {
            if (value!.All(c => !Web.Domain.TypedText.IsRefused(c)))
            {
                Assert.Equal(value, form.QuerySelector($"[name='{name}']")!.GetAttribute("value"));
            }
        }

        // Markup typed anywhere comes back as text in a value, never as an element.
        Assert.Null(form.QuerySelector("#checkout-form b, #checkout-form script, #checkout-form img"));
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Equal(before, await TableSnapshot.TakeAsync(WrittenByACheckout));
        Assert.Empty(Stripe.Requests);

        // The page it answered is a working form: corrected, it pays.
        var fixedUp = await shopper.PayAsync(Success, checkoutPage: form);
        Assert.Equal(HttpStatusCode.SeeOther, fixedUp.StatusCode);
    }

    [Theory]
    [InlineData("Input.Name", "Jana\0Schäfer")]
    [InlineData("Input.Line1", "Röstereistraße\u00001")]
    public async Task Post_Checkout_NulInAnAddressField_IsRefusedBeforeThePageAndWritesAndChargesNothing(string field, string value)
    {
        // ASP.NET Core's form reader refuses a NUL anywhere in the body, so the page never sees the form;
        // ShippingAddressRules refuses it too for any other way in (ShippingAddressRulesTests).
        var shopper = await ShopperWithCartAsync();
        var page = await shopper.CheckoutPageAsync();
        var before = await TableSnapshot.TakeAsync(WrittenByACheckout);

        var response = await shopper.PayAsync(Success, checkoutPage: page, extra: new Dictionary<string, string?> { [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad request", (await HtmlForms.ParseAsync(response)).QuerySelector("h1")!.TextContent);
        Assert.Equal(before, await TableSnapshot.TakeAsync(WrittenByACheckout));
        Assert.Empty(Stripe.Requests);
    }

    [Fact]
    public async Task Post_Checkout_EveryAddressFieldMissing_ShowsAMessageBesideEachRequiredField()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync(Success, extra: new Dictionary<string, string?>
        {
            ["Input.Name"] = null, ["Input.Line1"] = null, ["Input.Line2"] = null, ["Input.PostalCode"] = null,
            ["Input.City"] = null, ["Input.Country"] = null, ["Input.Phone"] = null,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        foreach (var field in new[] { "Name", "Line1", "PostalCode", "City", "Country" })
        {
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector($"[data-valmsg-for='Input.{field}']")!.TextContent), field);
        }

        Assert.True(string.IsNullOrWhiteSpace(page.QuerySelector("[data-valmsg-for='Input.Phone']")!.TextContent));
        Assert.Empty(Stripe.Requests);
        await using var db = Db();
        Assert.Equal(0, await db.Orders.CountAsync());
    }

    public static TheoryData<DeliveryAddress> AddressesInOtherScripts => new()
    {
        new DeliveryAddress("王芳", "北京路 8号", "3. OG", "10115", "北京", "DE", "+49 (30) 123-456/7"),
        new DeliveryAddress("فاطمة الزهراء", "شارع الملك فهد ١٢", null, "10115", "برلين", "DE"),
        new DeliveryAddress("Åsa Øberg", "Nørrebrogade 7", null, "1010", "Wien", "AT"),
        new DeliveryAddress("<b>Jana</b> & \"Söhne\" <script>alert(1)</script>", "Röstereistraße 1", null, "10115", "Berlin", "DE"),
    };

    [Theory]
    [MemberData(nameof(AddressesInOtherScripts))]
    public async Task Post_Checkout_AddressInAnyScript_IsStoredSentToStripeAndShownAsTyped(DeliveryAddress address)
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync(Success, address: address);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        var order = await db.Orders.SingleAsync();
        Assert.Equal((address.Name, address.Line1, address.Line2, address.PostalCode, address.City, address.Country, address.Phone),
            (order.ShipName, order.ShipLine1, order.ShipLine2, order.ShipPostalCode, order.ShipCity, order.ShipCountry, order.ShipPhone));
        var create = Assert.Single(Stripe.Requests, r => r.Method == "POST" && r.Path == "/v1/payment_intents");
        Assert.Equal(address.Name, create.Form["shipping[name]"]);
        Assert.Equal(address.City, create.Form["shipping[address][city]"]);

        var html = await (await shopper.Client.GetAsync(response.Headers.Location)).Content.ReadAsStringAsync();
        var page = await shopper.FollowAsync(response);
        var shownTo = page.QuerySelector("#ship-to")!;
        Assert.Contains(address.Name, shownTo.TextContent, StringComparison.Ordinal);
        Assert.Contains(address.Line1, shownTo.TextContent, StringComparison.Ordinal);
        Assert.Contains($"{address.PostalCode} {address.City}", shownTo.TextContent, StringComparison.Ordinal);
        Assert.Null(shownTo.QuerySelector("b, script"));
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1012 ab", "1012 AB")]
    [InlineData(" 1012ab ", "1012AB")]
    public async Task Post_Checkout_DutchPostalCode_IsStoredTrimmedInUpperCase(string typed, string stored)
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync(Success, address: new DeliveryAddress("Sanne de Vries", "Prinsengracht 263", null, typed, "Amsterdam", "nl"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        var order = await db.Orders.SingleAsync();
        Assert.Equal((stored, "NL"), (order.ShipPostalCode, order.ShipCountry));
        Assert.Equal(stored, Assert.Single(Stripe.PaymentIntents).Shipping!.PostalCode);
    }

    [Fact]
    public async Task Get_Checkout_AddressFields_HaveLabelsAndAutocompleteForBrowsersToFill()
    {
        var page = await (await ShopperWithCartAsync()).CheckoutPageAsync();

        var expected = new Dictionary<string, string>
        {
            ["Input.Name"] = "name",
            ["Input.Line1"] = "address-line1",
            ["Input.Line2"] = "address-line2",
            ["Input.PostalCode"] = "postal-code",
            ["Input.City"] = "address-level2",
            ["Input.Country"] = "country",
            ["Input.Phone"] = "tel",
        };
        foreach (var (name, autocomplete) in expected)
        {
            var control = page.QuerySelector($"#checkout-form [name='{name}']")!;
            Assert.Equal(autocomplete, control.GetAttribute("autocomplete"));
            Assert.NotNull(page.QuerySelector($"label[for='{control.Id}']"));
        }

        Assert.Equal("SELECT", page.QuerySelector("[name='Input.Country']")!.TagName);
    }
}
