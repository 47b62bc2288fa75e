using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// Every way a product edit or a stock movement can come wrong: prices, slugs, text, weights and
/// roasts the shop cannot sell, movements the ledger cannot take, stale or forged forms, unknown
/// products, staff who are not admins. Each gets a message or a 4xx, never a 500, and leaves the
/// products, the ledger, the former slugs and the audit log exactly as they were.
/// </summary>
public class CatalogBadInputTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private static readonly string[] Tables = ["products", "stock_movements", "product_former_slugs", "audit_log"];

    public enum Expect
    {
        /// <summary>400 and the page again, with the message on it.</summary>
        Validation,

        /// <summary>303 back to the product, whose notice says why nothing changed.</summary>
        Notice,

        NotFound,
        Forbidden,
    }

    /// <param name="Form">"#product-form" or "#move-form" on Kiambu AA's page, or "new" for the New product form.</param>
    public sealed record Bad(string Form, Dictionary<string, string?> Values, Expect Expect, string? Says, string? Action = null,
        Func<Context, Task>? Meanwhile = null);

    public sealed record Context(HttpClient Admin, ShopFixture Fixture, int Id);

    private static Bad Product(string field, string? value, string says) => new("#product-form", new() { [$"Input.{field}"] = value }, Expect.Validation, says);

    private static Bad Move(string reason, string? bags, string says, string? note = null) =>
        new("#move-form", new() { ["Move.Reason"] = reason, ["Move.Bags"] = bags, ["Move.Note"] = note }, Expect.Validation, says);

    private const string PriceMessage = "it must be more than zero";
    private const string SlugMessage = "Use only lower-case letters a–z";
    private const string TakenMessage = "Another product has this slug";

    private static readonly Dictionary<string, Bad> Cases = new()
    {
        ["price 0"] = Product("Price", "0", PriceMessage),
        ["price 0.00"] = Product("Price", "0.00", PriceMessage),
        ["negative price"] = Product("Price", "-1", PriceMessage),
        ["price 10^12"] = Product("Price", "1000000000000", PriceMessage),
        ["price above the typo guard"] = Product("Price", "10000.01", "Enter a price of at most €10,000.00"),
        ["price in words"] = Product("Price", "twelve", PriceMessage),
        ["price with a comma"] = Product("Price", "14,50", PriceMessage),
        ["price with three decimals"] = Product("Price", "14.505", PriceMessage),
        ["slug with a slash"] = Product("Slug", "kiambu/aa", SlugMessage),
        ["slug climbing out"] = Product("Slug", "../admin", SlugMessage),
        ["slug with a Cyrillic look-alike"] = Product("Slug", "kiаmbu-aa", SlugMessage),
        ["slug in capitals"] = Product("Slug", "Kiambu-AA", SlugMessage),
        ["slug with a double hyphen"] = Product("Slug", "kiambu--aa", SlugMessage),
        ["slug too long"] = Product("Slug", new string('a', 81), SlugMessage),
        ["slug of another product"] = Product("Slug", "huila-el-mirador", TakenMessage),
        ["slug another product had before"] = new("#product-form", new() { ["Input.Slug"] = "huila-el-mirador" }, Expect.Validation, TakenMessage,
            Meanwhile: c => RenameHuilaAsync(c)),
        ["new product with a taken slug"] = new("new", ProductEditorTests.Fields(slug: "kiambu-aa"), Expect.Validation, TakenMessage),
        ["empty name"] = Product("Name", "   ", "Enter the name"),
        ["name too long"] = Product("Name", new string('x', 121), "Shorten the name to at most 120 characters"),
        ["name with a line break"] = Product("Name", "Kiambu\r\nAA", "Remove the line breaks"),
        ["description with a bidi override"] = Product("Description", "Juicy \u202Egnp.exe", "Remove the tabs or invisible characters"),
        ["description too long"] = Product("Description", new string('d', 2001), "Shorten the description"),
        ["weight 0"] = Product("WeightGrams", "0", "a whole number from 50 to 5000"),
        ["weight of a sack"] = Product("WeightGrams", "60000", "a whole number from 50 to 5000"),
        ["weight with decimals"] = Product("WeightGrams", "250.5", "a whole number from 50 to 5000"),
        ["unknown roast"] = Product("Roast", "Burnt", "Choose the roast"),
        ["roast as a number"] = Product("Roast", "1", "Choose the roast"),
        ["form without its revision"] = new("#product-form", new() { ["Revision"] = null, ["Input.Price"] = "18.00" }, Expect.Notice, "Another admin changed this product"),
        ["stock below zero"] = Move("Damaged", "26", "cannot go below zero"),
        ["negative bags"] = Move("Received", "-5", "a whole number from 1 to 100000"),
        ["zero bags received"] = Move("Received", "0", "a whole number from 1 to 100000"),
        ["bags in words"] = Move("Received", "ten", "a whole number from 1 to 100000"),
        ["a million bags"] = Move("Received", "1000000", "a whole number from 1 to 100000"),
        ["negative count"] = Move("Correction", "-1", "a whole number from 0 to 100000"),
        ["count that changes nothing"] = Move("Correction", "25", "nothing to correct"),
        ["a sale typed by hand"] = Move("Sale", "1", "Choose what happened"),
        ["a made-up reason"] = Move("Theft", "1", "Choose what happened"),
        ["reason as a number"] = Move("0", "1", "Choose what happened"),
        ["note with a control character"] = Move("Received", "1", "Remove the line breaks", note: "Roast\u0007day"),
        ["note too long"] = Move("Received", "1", "Shorten the note", note: new string('n', 201)),
        ["movement for an unknown product"] = new("#move-form", new() { ["Move.Reason"] = "Received", ["Move.Bags"] = "1" }, Expect.NotFound, null,
            Action: "/Admin/Products/999999?handler=Move"),
        ["edit of an unknown product"] = new("#product-form", [], Expect.NotFound, null, Action: "/Admin/Products/999999?handler=Save"),
        ["staff member who is not an admin"] = new("#move-form", new() { ["Move.Reason"] = "Received", ["Move.Bags"] = "1" }, Expect.Forbidden, null),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Post_CatalogBadInput_IsRefusedAndChangesNothing(string name)
    {
        var bad = Cases[name];
        var admin = await AdminSession.SignInAsync(Factory);
        var id = await ProductEditorTests.IdOfAsync(Fixture, "kiambu-aa");
        if (bad.Meanwhile is { } meanwhile)
        {
            await meanwhile(new Context(admin, Fixture, id));
        }

        var page = await admin.GetDocumentAsync(bad.Form == "new" ? "/Admin/Products/New" : $"/Admin/Products/{id}");
        var form = page.Form(bad.Form == "new" ? "#product-form" : bad.Form);
        if (bad.Action is not null)
        {
            form.SetAttribute("action", bad.Action);
        }

        var client = admin;
        if (bad.Expect == Expect.Forbidden)
        {
            client = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);
            var token = (await client.GetDocumentAsync(AdminRegistration.SignInPath)).Form("form.sign-in-form").AntiforgeryToken();
            bad.Values["__RequestVerificationToken"] = token;
        }

        var before = await TableSnapshot.TakeAsync(Tables);

        var response = await client.SubmitAsync(form, bad.Values);

        Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode}");
        switch (bad.Expect)
        {
            case Expect.Validation:
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var shown = await HtmlForms.ParseAsync(response);
                Assert.Contains(bad.Says!, shown.QuerySelector(".errors:not([hidden])")!.TextContent, StringComparison.Ordinal);
                break;
            case Expect.Notice:
                Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
                Assert.Contains(bad.Says!, (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
                break;
            case Expect.NotFound:
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                break;
            case Expect.Forbidden:
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                break;
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
    }

    [Fact]
    public async Task Post_DescriptionWithMarkup_IsKeptAsTyped_AndShownEscapedEverywhere()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var id = await ProductEditorTests.IdOfAsync(Fixture, "kiambu-aa");
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{id}");
        const string Markup = "<script>alert(1)</script><img src=x onerror=alert(2)>";

        var saved = await admin.SubmitAsync(editor.Form("#product-form"), new Dictionary<string, string?>
        {
            ["Input.Description"] = Markup,
            ["Input.Name"] = "Kiambu <b>AA</b>",
        });

        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(Markup, (await db.Products.SingleAsync(p => p.Id == id)).Description);
        }

        foreach (var (client, url) in new[] { (Factory.CreateBrowserClient(), "/Products/kiambu-aa"), (Factory.CreateBrowserClient(), "/"), (admin, $"/Admin/Products/{id}"), (admin, "/Admin/Products") })
        {
            var html = await client.GetStringAsync(url);
            Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>AA</b>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/Products/kiambu-aa");
        Assert.Contains(Markup, page.Body!.TextContent, StringComparison.Ordinal);
    }

    /// <summary>Huila El Mirador moves to a new address: its old one stays its redirect, no other product's to take.</summary>
    private static async Task RenameHuilaAsync(Context c)
    {
        var huila = await ProductEditorTests.IdOfAsync(c.Fixture, "huila-el-mirador");
        var page = await c.Admin.GetDocumentAsync($"/Admin/Products/{huila}");
        var response = await c.Admin.SubmitAsync(page.Form("#product-form"), new Dictionary<string, string?> { ["Input.Slug"] = "huila-mirador" });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }
}
