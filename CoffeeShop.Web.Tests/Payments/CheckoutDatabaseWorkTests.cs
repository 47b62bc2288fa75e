using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// The database work of one checkout POST, statement by statement. Round trips are what bound
/// checkouts per second (docs/benchmarks.md, P4), and a transaction must never be open while Stripe
/// is asked: phase 1 is one statement outside any transaction, the one transaction is phase 3's.
/// </summary>
public class CheckoutDatabaseWorkTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task Post_Checkout_FirstSubmit_IsFiveStatementsAndOneTransactionAfterStripe()
    {
        var journal = new DatabaseJournal();
        await using var factory = new ShopFactory(Stripe, services: journal.AddTo);
        var shopper = new Shopper(factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        var page = await shopper.CheckoutPageAsync();
        journal.Clear();

        var response = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var entries = journal.Entries;
        Assert.Collection(entries,
            cart => Assert.StartsWith("SELECT", cart, StringComparison.Ordinal),
            order => Assert.Matches("^WITH new_order AS \\( INSERT INTO orders .* INSERT INTO order_lines .* INSERT INTO payment_records ", order),
            begin => Assert.Equal("BEGIN", begin),
            locked => Assert.Matches("^  in transaction: SELECT .* FROM \\( SELECT \\* FROM payment_records WHERE id = @p0 FOR UPDATE \\) .* JOIN orders", locked),
            emptied => Assert.StartsWith("  in transaction: DELETE FROM cart_items", emptied, StringComparison.Ordinal),
            saved => Assert.Matches("^  in transaction: UPDATE orders .*UPDATE payment_records .*INSERT INTO payment_timeline", saved),
            commit => Assert.Equal("COMMIT", commit));
        Assert.Single(Stripe.Requests, r => r.Path == "/v1/payment_intents");
    }
}
