using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// Admins run the catalog from /Admin/Products: create, edit, rename (the old address redirects for
/// good), show or hide, and move stock through the ledger. Every change is audited and reaches the
/// shop's cached pages at once on this instance. The ledger check after each test (PaymentTest) proves
/// on hand and held stay the sums of the movements.
/// </summary>
public class ProductEditorTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Admin = "admin@coffeeshop.test";

    internal static Dictionary<string, string?> Fields(string slug = "finca-la-esperanza", string name = "Finca La Esperanza", string price = "15.40",
        string roast = "Medium", string weight = "250", string description = "Bourbon and Typica from Caldas.") => new()
    {
        ["Input.Slug"] = slug,
        ["Input.Name"] = name,
        ["Input.Origin"] = "Caldas, Colombia",
        ["Input.Roast"] = roast,
        ["Input.WeightGrams"] = weight,
        ["Input.Price"] = price,
        ["Input.TastingNotes"] = "Plum, brown sugar, cocoa",
        ["Input.Description"] = description,
    };

    internal static async Task<int> IdOfAsync(ShopFixture fixture, string slug)
    {
        await using var db = fixture.NewDbContext();
        return await db.Products.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
    }

    private async Task<Product> ProductAsync(string slug)
    {
        await using var db = Db();
        return await db.Products.AsNoTracking().SingleAsync(p => p.Slug == slug);
    }

    private async Task<List<AuditEntry>> AuditAsync(AuditAction action)
    {
        await using var db = Db();
        return await db.AuditLog.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    private static async Task<IDocument> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return await client.FollowRedirectAsync(response);
    }

    [Fact]
    public async Task Post_NewProduct_IsCreatedHiddenWithNoBags_AndAudited()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var form = await admin.GetDocumentAsync("/Admin/Products/New");

        var page = await FollowAsync(admin, await admin.SubmitAsync(form.Form("#product-form"), Fields()));

        var product = await ProductAsync("finca-la-esperanza");
        Assert.False(product.IsActive);
        Assert.Equal((0, 0, 1540L), (product.Stock, product.Reserved, product.PriceMinor));
        Assert.Equal("Inactive", page.QuerySelector("#product-status")!.TextContent.Trim());
        var created = Assert.Single(await AuditAsync(AuditAction.ProductCreated));
        Assert.Equal((Admin, "product finca-la-esperanza"), (created.Actor, created.Subject));
        Assert.Equal("€15.40", (string?)JsonNode.Parse(created.After!)!["price"]);
        Assert.Null(created.Before);
        // Hidden: the shop does not know it yet.
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.CreateBrowserClient().GetAsync("/Products/finca-la-esperanza")).StatusCode);
    }

    [Fact]
    public async Task Post_Activate_ThenStockReceived_ShowsTheProductInTheCachedCatalogAtOnce()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        await admin.SubmitAsync((await admin.GetDocumentAsync("/Admin/Products/New")).Form("#product-form"), Fields());
        var id = await IdOfAsync(Fixture, "finca-la-esperanza");
        // A first visitor's catalog is cached (output cache) before the change.
        Assert.DoesNotContain("Finca La Esperanza", (await Factory.CreateBrowserClient().GetDocumentAsync("/")).Body!.TextContent, StringComparison.Ordinal);

        var editor = await admin.GetDocumentAsync($"/Admin/Products/{id}");
        editor = await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#move-form"), new Dictionary<string, string?> { ["Move.Reason"] = "Received", ["Move.Bags"] = "12", ["Move.Note"] = "Roast of 1 Dec" }));
        editor = await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#active-form")));

        Assert.Equal("Active", editor.QuerySelector("#product-status")!.TextContent.Trim());
        Assert.Equal("12", editor.QuerySelector("#on-hand")!.TextContent.Trim());
        var catalog = await Factory.CreateBrowserClient().GetDocumentAsync("/");
        var card = catalog.QuerySelectorAll(".card").Single(c => c.TextContent.Contains("Finca La Esperanza", StringComparison.Ordinal));
        Assert.Contains("12 in stock", card.TextContent, StringComparison.Ordinal);
        var movement = Assert.Single((await Db().StockMovements.AsNoTracking().Where(m => m.ProductId == id).ToListAsync()));
        Assert.Equal((StockMovementReason.Received, 12, Admin, "Roast of 1 Dec"), (movement.Reason, movement.OnHandDelta, movement.Actor, movement.Note));
        Assert.Single(await AuditAsync(AuditAction.ProductActivated));
        Assert.Single(await AuditAsync(AuditAction.StockMoved));
    }

    [Fact]
    public async Task Post_Deactivate_HidesTheProductFromCachedPagesAtOnce()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var visitor = Factory.CreateBrowserClient;
        Assert.Equal(HttpStatusCode.OK, (await visitor().GetAsync("/Products/kiambu-aa")).StatusCode); // first-visit cache filled
        Assert.Contains("Kiambu AA", (await visitor().GetDocumentAsync("/")).Body!.TextContent, StringComparison.Ordinal); // output cache filled

        var editor = await admin.GetDocumentAsync($"/Admin/Products/{await IdOfAsync(Fixture, "kiambu-aa")}");
        await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#active-form")));

        Assert.Equal(HttpStatusCode.NotFound, (await visitor().GetAsync("/Products/kiambu-aa")).StatusCode);
        Assert.DoesNotContain("Kiambu AA", (await visitor().GetDocumentAsync("/")).Body!.TextContent, StringComparison.Ordinal);
        Assert.False((await ProductAsync("kiambu-aa")).IsActive);
    }

    [Fact]
    public async Task Post_SlugChange_OldAddressRedirectsPermanently_AndTheNewOneServes()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var id = await IdOfAsync(Fixture, "kiambu-aa");
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{id}");

        editor = await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#product-form"), new Dictionary<string, string?> { ["Input.Slug"] = "kiambu-aa-karinga" }));

        var visitor = Factory.CreateBrowserClient();
        var old = await visitor.GetAsync("/Products/kiambu-aa");
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal("/Products/kiambu-aa-karinga", old.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/Products/kiambu-aa-karinga")).StatusCode);
        Assert.Contains("/Products/kiambu-aa", editor.QuerySelector("#former-slugs")!.TextContent, StringComparison.Ordinal);
        var changed = Assert.Single(await AuditAsync(AuditAction.ProductChanged));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"slug":"kiambu-aa"}"""), JsonNode.Parse(changed.Before!)), changed.Before);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"slug":"kiambu-aa-karinga"}"""), JsonNode.Parse(changed.After!)), changed.After);

        // Renamed twice: both old addresses lead to the product.
        await admin.SubmitAsync(editor.Form("#product-form"), new Dictionary<string, string?> { ["Input.Slug"] = "karinga-aa" });
        Assert.Equal("/Products/karinga-aa", (await visitor.GetAsync("/Products/kiambu-aa")).Headers.Location!.OriginalString);
        Assert.Equal("/Products/karinga-aa", (await visitor.GetAsync("/Products/kiambu-aa-karinga")).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Post_PriceChange_KeepsPaidOrdersPrices_AndMakesAnOpenCheckoutFormOutOfDate()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        await shopper.PayAsync("ctoken_pm_card_visa");
        var second = new Shopper(Factory.CreateBrowserClient());
        await second.AddToCartAsync("kiambu-aa", 1);
        var checkout = await second.CheckoutPageAsync();

        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{await IdOfAsync(Fixture, "kiambu-aa")}");
        await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#product-form"), new Dictionary<string, string?> { ["Input.Price"] = "18.20" }));

        await using (var db = Db())
        {
            var line = await db.OrderLines.AsNoTracking().SingleAsync();
            Assert.Equal(1690, line.UnitPriceMinor);
            Assert.Equal(1690 + 490, (await db.Orders.AsNoTracking().SingleAsync()).TotalMinor);
        }

        var stale = await second.PayAsync("ctoken_pm_card_visa", checkoutPage: checkout);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("out of date", (await HtmlForms.ParseAsync(stale)).QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Single(Stripe.PaymentIntents); // only the first customer's payment reached Stripe
    }

    [Fact]
    public async Task Post_Save_AfterAnotherAdminSaved_IsRefusedAndNothingIsOverwritten()
    {
        var ann = await AdminSession.SignInAsync(Factory, Admin);
        var bob = await AdminSession.SignInAsync(Factory, "bob@coffeeshop.test");
        var id = await IdOfAsync(Fixture, "kiambu-aa");
        var annPage = await ann.GetDocumentAsync($"/Admin/Products/{id}");
        var bobPage = await bob.GetDocumentAsync($"/Admin/Products/{id}");

        await FollowAsync(bob, await bob.SubmitAsync(bobPage.Form("#product-form"), new Dictionary<string, string?> { ["Input.Price"] = "17.00" }));
        var refused = await FollowAsync(ann, await ann.SubmitAsync(annPage.Form("#product-form"), new Dictionary<string, string?> { ["Input.Name"] = "Kiambu AA Karinga" }));

        Assert.Contains("Another admin changed this product", refused.Body!.TextContent, StringComparison.Ordinal);
        var product = await ProductAsync("kiambu-aa");
        Assert.Equal(("Kiambu AA", 1700L), (product.Name, product.PriceMinor));
        Assert.Single(await AuditAsync(AuditAction.ProductChanged));
    }

    [Fact]
    public async Task Post_TwoAdminsCreatingOneSlugAtOnce_OneProductIsCreated_TheOtherIsTold()
    {
        var ann = await AdminSession.SignInAsync(Factory, Admin);
        var bob = await AdminSession.SignInAsync(Factory, "bob@coffeeshop.test");
        var annForm = (await ann.GetDocumentAsync("/Admin/Products/New")).Form("#product-form");
        var bobForm = (await bob.GetDocumentAsync("/Admin/Products/New")).Form("#product-form");

        var answers = await Task.WhenAll(ann.SubmitAsync(annForm, Fields(name: "Ann's")), bob.SubmitAsync(bobForm, Fields(name: "Bob's")));

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode).Order());
        var refused = await HtmlForms.ParseAsync(answers.Single(a => a.StatusCode == HttpStatusCode.BadRequest));
        Assert.Contains("Another product has this slug", refused.QuerySelector("#product-errors")!.TextContent, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Equal(1, await db.Products.CountAsync(p => p.Slug == "finca-la-esperanza"));
        Assert.Single(await AuditAsync(AuditAction.ProductCreated));
    }

    [Fact]
    public async Task Post_StockMovements_DamagedAndCount_MoveOnHandAndAreListedWithTheAdmin()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var id = await IdOfAsync(Fixture, "kiambu-aa"); // 25 bags from the seed
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{id}");

        editor = await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#move-form"), new Dictionary<string, string?> { ["Move.Reason"] = "Damaged", ["Move.Bags"] = "3", ["Move.Note"] = "Torn bags" }));
        Assert.Equal("22", editor.QuerySelector("#on-hand")!.TextContent.Trim());
        editor = await FollowAsync(admin, await admin.SubmitAsync(editor.Form("#move-form"), new Dictionary<string, string?> { ["Move.Reason"] = "Correction", ["Move.Bags"] = "20" }));
        Assert.Equal("20", editor.QuerySelector("#on-hand")!.TextContent.Trim());

        var rows = editor.QuerySelectorAll("#movements tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["Count correction", "-2", "", Admin, ""], rows[0][1..]);
        Assert.Equal(["Damaged", "-3", "", Admin, "Torn bags"], rows[1][1..]);
        Assert.Equal(2, (await AuditAsync(AuditAction.StockMoved)).Count);
    }

    [Fact]
    public async Task Post_DamagedMoreThanIsFreeWhileAPaymentHoldsBags_IsRefusedAndNothingMoves()
    {
        await Fixture.SetStockAsync("kiambu-aa", 3);
        // A customer's payment waits for the bank's check (3-D Secure): it holds two of the three bags.
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        Assert.Equal(2, (await ProductAsync("kiambu-aa")).Reserved);

        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{await IdOfAsync(Fixture, "kiambu-aa")}");
        var refused = await admin.SubmitAsync(editor.Form("#move-form"), new Dictionary<string, string?> { ["Move.Reason"] = "Damaged", ["Move.Bags"] = "2" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("held by payments in progress", (await HtmlForms.ParseAsync(refused)).QuerySelector("#move-errors")!.TextContent, StringComparison.Ordinal);
        var product = await ProductAsync("kiambu-aa");
        Assert.Equal((3, 2), (product.Stock, product.Reserved));
    }

    [Fact]
    public async Task Post_WriteOffRacingACustomerForTheLastBags_OneOfThemGetsThem_NeverBoth()
    {
        await Fixture.SetStockAsync("kiambu-aa", 3);
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 3);
        var checkout = await shopper.CheckoutPageAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{await IdOfAsync(Fixture, "kiambu-aa")}");

        var (paid, wroteOff) = (shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: checkout),
            admin.SubmitAsync(editor.Form("#move-form"), new Dictionary<string, string?> { ["Move.Reason"] = "Damaged", ["Move.Bags"] = "3" }));
        await Task.WhenAll(paid, wroteOff);

        var sold = (await paid).StatusCode == HttpStatusCode.SeeOther;
        var writtenOff = (await wroteOff).StatusCode == HttpStatusCode.SeeOther;
        Assert.True(sold ^ writtenOff, $"payment {(await paid).StatusCode}, write-off {(await wroteOff).StatusCode}");
        var product = await ProductAsync("kiambu-aa");
        Assert.Equal((0, 0), (product.Stock, product.Reserved));
        Assert.Equal(sold ? 1 : 0, Stripe.PaymentIntents.Count);
        await using var db = Db();
        Assert.Equal(sold ? 1 : 0, await db.Orders.CountAsync(o => o.Status == OrderStatus.Paid));
        Assert.Equal(writtenOff ? 1 : 0, await db.StockMovements.CountAsync(m => m.Reason == StockMovementReason.Damaged));
    }
}
