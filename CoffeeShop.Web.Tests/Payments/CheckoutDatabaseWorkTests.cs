using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Npgsql;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// The database work of one checkout POST. Round trips are what bound checkouts per second
/// (docs/benchmarks.md, P4), and a transaction must never be open while Stripe is asked (ADR 0009).
/// Both are checked from the outside — the commands sent and PostgreSQL's own view of its sessions —
/// so the checks hold whatever SQL EF Core generates.
/// </summary>
public class CheckoutDatabaseWorkTests(ShopFixture fixture) : PaymentTest(fixture)
{
    /// <summary>Cart read, phase 1, and phase 3's transaction (begin, locked read, the sale, the saved answer, commit).</summary>
    private const int MaxRoundTrips = 7;

    [Fact]
    public async Task Post_Checkout_FirstSubmit_TakesAtMostSevenRoundTripsAndNoSavepoint()
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
        Assert.True(journal.Entries.Count <= MaxRoundTrips, $"{journal.Entries.Count} round trips:\n{string.Join('\n', journal.Entries)}");
        Assert.DoesNotContain(journal.Entries, e => e.Contains("SAVEPOINT", StringComparison.OrdinalIgnoreCase));
        Assert.Single(Stripe.Requests, r => r.Path == "/v1/payment_intents");
    }

    [Fact]
    public async Task Post_Checkout_WhileStripeIsAsked_NoSessionOfTheShopHoldsATransaction()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        var page = await shopper.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromSeconds(1);

        var paying = shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);
        await Stripe.WaitForRequestAsync(r => r.Path == "/v1/payment_intents");
        var inTransaction = await SessionsInTransactionAsync();
        await paying;

        Assert.Empty(inTransaction);
    }

    /// <summary>Other sessions on the test database with a transaction open, as PostgreSQL sees them.</summary>
    private static async Task<List<string>> SessionsInTransactionAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT state || ': ' || left(query, 200) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            """, connection);
        var sessions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sessions.Add(reader.GetString(0));
        }

        return sessions;
    }
}
