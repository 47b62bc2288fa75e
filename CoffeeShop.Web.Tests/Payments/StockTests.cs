using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// Stock that cannot be oversold: a payment attempt reserves its bags as it begins, a definitive failure
/// gives them back, a success sells them; the cart and catalog show only what is available.
/// </summary>
public class StockTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Visa = "ctoken_pm_card_visa";
    private const string Declined = "ctoken_pm_card_visa_chargeDeclined";
    private const string Slug = "kiambu-aa";

    private Task SetStockAsync(int stock, string slug = Slug) => Fixture.SetStockAsync(slug, stock);

    private async Task<(int Stock, int Reserved)> StockAsync(string slug = Slug)
    {
        await using var db = Db();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Slug == slug);
        return (product.Stock, product.Reserved);
    }

    private int PaymentIntentCreates() => Stripe.Requests.Count(r => r.Method == "POST" && r.Path == "/v1/payment_intents");

    [Fact]
    public async Task Post_Checkout_TwoCustomersForTheLastBag_OneIsChargedTheOtherIsToldItSoldOut()
    {
        await SetStockAsync(1);
        var ada = new Shopper(Factory.CreateBrowserClient());
        var bob = new Shopper(Factory.CreateBrowserClient());
        await ada.AddToCartAsync(Slug, 1);
        await bob.AddToCartAsync(Slug, 1);
        var adaPage = await ada.CheckoutPageAsync();
        var bobPage = await bob.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(300);

        var responses = await Task.WhenAll(ada.PayAsync(Visa, checkoutPage: adaPage), bob.PayAsync(Visa, checkoutPage: bobPage));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.SeeOther);
        var soldOut = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.BadRequest);
        var page = await HtmlForms.ParseAsync(soldOut);
        Assert.Contains("sold out", page.QuerySelector("#stock-problems")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, PaymentIntentCreates());
        Assert.Equal((0, 0), await StockAsync());
        await using var db = Db();
        Assert.Equal(OrderStatus.Paid, Assert.Single(await db.Orders.ToListAsync()).Status);
    }

    [Fact]
    public async Task Post_Checkout_WhileAttemptIsInFlight_ItsBagsAreReservedAndOthersCannotBuyThem()
    {
        await SetStockAsync(2);
        Stripe.HangNext(1);
        await using var impatient = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:TimeoutSeconds"] = "1", ["Stripe:MaxNetworkRetries"] = "0" });
        var adaImpatient = new Shopper(impatient.CreateBrowserClient());
        await adaImpatient.AddToCartAsync(Slug, 2);

        var confirming = await adaImpatient.PayAsync(Visa);

        Assert.Equal(HttpStatusCode.SeeOther, confirming.StatusCode);
        Assert.Equal((2, 2), await StockAsync());
        var product = await Factory.CreateBrowserClient().GetDocumentAsync($"/Products/{Slug}");
        Assert.Null(product.QuerySelector("form.add"));
        Assert.Null(product.QuerySelector("#available"));
    }

    [Fact]
    public async Task Post_Checkout_Declined_GivesTheReservedBagsBack()
    {
        await SetStockAsync(3);
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync(Slug, 2);

        var declined = await shopper.PayAsync(Declined);

        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        Assert.Equal((3, 0), await StockAsync());
        await using var db = Db();
        Assert.Equal(StockReservation.Released, (await db.PaymentRecords.SingleAsync()).StockReservation);
    }

    [Fact]
    public async Task Post_Checkout_Paid_SellsTheBags()
    {
        await SetStockAsync(5);
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync(Slug, 2);

        await shopper.PayAsync(Visa);

        Assert.Equal((3, 0), await StockAsync());
        // The shopper has a cookie, so the page is rendered now (first visits may see a page up to 30 s old).
        var product = await shopper.Client.GetDocumentAsync($"/Products/{Slug}");
        Assert.Equal("3 bags available", product.QuerySelector("#available")!.TextContent.Trim());
    }

    [Fact]
    public async Task Post_Cart_MoreThanAvailable_IsCappedWithAMessage()
    {
        await SetStockAsync(1);
        var shopper = new Shopper(Factory.CreateBrowserClient());

        var added = await shopper.AddToCartAsync(Slug, 5);
        var cart = await shopper.FollowAsync(added);

        Assert.Contains("Only 1 bag of Kiambu AA left", cart.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Equal(1, (await db.CartItems.SingleAsync()).Quantity);
    }

    [Fact]
    public async Task Get_Checkout_ProductDeactivatedOrSoldOutAfterAdding_SaysSoAndOffersNoPayButton()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync(Slug, 2);
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        var stalePage = await shopper.CheckoutPageAsync();
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == Slug).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        await SetStockAsync(0, "huila-el-mirador");

        var page = await shopper.CheckoutPageAsync();
        var posted = await shopper.PayAsync(Visa, checkoutPage: stalePage);

        var problems = page.QuerySelector("#stock-problems")!.TextContent;
        Assert.Contains("Kiambu AA is no longer sold", problems, StringComparison.Ordinal);
        Assert.Contains("Huila El Mirador is sold out", problems, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#checkout-form"));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Empty(Stripe.Requests);
        await using var after = Db();
        Assert.Empty(await after.Orders.ToListAsync());
    }

    [Fact]
    public async Task Get_Catalog_ShowsWhatIsAvailableNotWhatIsOnHand()
    {
        SkipLedgerCheck("bags are reserved by hand, with no attempt holding them");
        await ShopFixture.BehindTheLedgerAsync($"UPDATE products SET stock = 4, reserved = 3 WHERE slug = '{Slug}'");

        var product = await Factory.CreateBrowserClient().GetDocumentAsync($"/Products/{Slug}");

        Assert.Equal("1 bag available", product.QuerySelector("#available")!.TextContent.Trim());
    }

    [Fact]
    public async Task Database_ReservingMoreThanOnHand_IsRefusedByTheDatabaseItself()
    {
        await SetStockAsync(1);
        await using var db = Db();
        var id = await db.Products.Where(p => p.Slug == Slug).Select(p => p.Id).SingleAsync();
        var order = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow, PaymentStatus.Pending);
        db.StockMovements.Add(new StockMovement { ProductId = id, ReservedDelta = 2, Reason = StockMovementReason.Reservation, OrderId = order.OrderId });

        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Equal("ck_products_reserved_within_stock", Assert.IsType<Npgsql.PostgresException>(ex.InnerException).ConstraintName);
        Assert.Equal((1, 0), await StockAsync());
    }

    [Fact]
    public async Task Database_StockChangedOutsideTheLedger_IsRefused()
    {
        await using var db = Db();

        var reserve = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.Products.Where(p => p.Slug == Slug).ExecuteUpdateAsync(s => s.SetProperty(p => p.Reserved, 2)));
        var restock = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.Products.Where(p => p.Slug == Slug).ExecuteUpdateAsync(s => s.SetProperty(p => p.Stock, p => p.Stock + 5)));

        Assert.Equal("products_stock_from_ledger", reserve.ConstraintName);
        Assert.Equal("products_stock_from_ledger", restock.ConstraintName);
        Assert.Equal((25, 0), await StockAsync());
    }

    [Fact]
    public async Task Database_StockMovements_CannotBeEditedOrDeleted()
    {
        await SetStockAsync(30);
        await using var db = Db();

        var edit = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.StockMovements.ExecuteUpdateAsync(s => s.SetProperty(m => m.OnHandDelta, 1)));
        var delete = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.StockMovements.ExecuteDeleteAsync());
        var truncate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE stock_movements CASCADE"));

        Assert.All([edit, delete, truncate], ex => Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, ex.SqlState));
        Assert.Equal(30, await db.StockMovements.Where(m => db.Products.Any(p => p.Id == m.ProductId && p.Slug == Slug)).SumAsync(m => m.OnHandDelta));
    }
}
