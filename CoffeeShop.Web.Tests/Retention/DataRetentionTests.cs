using System.Net;
using System.Text.Json;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Retention;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CoffeeShop.Web.Tests.Retention;

public class DataRetentionTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string GraceCustomerJson = """{"id":"cus_NffrFeUfNV2Hib","object":"customer","email":"grace@example.com","name":"Grace Hopper"}""";

    private static Task<RetentionPass> RunAsync(ShopFactory factory) =>
        factory.Services.GetRequiredService<DataRetention>().RunOnceAsync(CancellationToken.None);

    /// <summary>Runs <paramref name="step"/> and answers the id of the one cart it created.</summary>
    private async Task<Guid> NewCartAsync(Func<Task> step)
    {
        await using var db = Db();
        var before = await db.Carts.Select(c => c.Id).ToListAsync();
        await step();
        return Assert.Single(await db.Carts.Select(c => c.Id).Where(id => !before.Contains(id)).ToListAsync());
    }

    private async Task AgeCartAsync(Guid cartId, int days)
    {
        await using var db = Db();
        await db.Database.ExecuteSqlAsync($"UPDATE carts SET updated_at = updated_at - make_interval(days => {days}) WHERE id = {cartId}");
    }

    private async Task AgeEventAsync(string eventId, int days)
    {
        await using var db = Db();
        await db.Database.ExecuteSqlAsync($"UPDATE stripe_events SET received_at = received_at - make_interval(days => {days}) WHERE id = {eventId}");
    }

    private static string EventId(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task RunOnce_OldWebhookPayload_IsEmptiedRecentOneKept_AndTheOldEventStillStopsAReplay()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_test_processing", email: "ada.lovelace@example.com");
        await using var db = Db();
        var record = await db.PaymentRecords.SingleAsync();
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var old = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));
        var recent = Stripe.SignedEvent("customer.updated", GraceCustomerJson);
        Assert.Equal(HttpStatusCode.OK, (await Factory.CreateBrowserClient().DeliverAsync(old)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Factory.CreateBrowserClient().DeliverAsync(recent)).StatusCode);
        var stored = await db.StripeEvents.AsNoTracking().SingleAsync(e => e.Id == EventId(old.Payload));
        Assert.Contains("ada.lovelace@example.com", stored.Payload, StringComparison.Ordinal);
        await AgeEventAsync(stored.Id, 31);
        var timelineBefore = await db.PaymentTimeline.CountAsync();

        var pass = await RunAsync(Factory);

        Assert.Equal(new RetentionPass(PayloadsPurged: 1, CartsDeleted: 0, StoodBack: false), pass);
        var emptied = await db.StripeEvents.AsNoTracking().SingleAsync(e => e.Id == stored.Id);
        using (var payload = JsonDocument.Parse(emptied.Payload))
        {
            Assert.Equal(
                new Dictionary<string, string?> { ["id"] = stored.Id, ["type"] = "payment_intent.succeeded" },
                payload.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()));
        }

        Assert.Equal((stored.ProcessedAt, stored.Outcome, stored.PaymentRecordId), (emptied.ProcessedAt, emptied.Outcome, emptied.PaymentRecordId));
        var kept = await db.StripeEvents.AsNoTracking().SingleAsync(e => e.Id == EventId(recent.Payload));
        Assert.Contains("grace@example.com", kept.Payload, StringComparison.Ordinal);

        // Stripe delivers the old event again (signed afresh): still a duplicate, applied once, the payload stays empty.
        var replay = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!), eventId: stored.Id);
        Assert.Equal(HttpStatusCode.OK, (await Factory.CreateBrowserClient().DeliverAsync(replay)).StatusCode);
        Assert.Equal(2, await db.StripeEvents.CountAsync());
        Assert.Equal(emptied.Payload, (await db.StripeEvents.AsNoTracking().SingleAsync(e => e.Id == stored.Id)).Payload);
        Assert.Equal(timelineBefore, await db.PaymentTimeline.CountAsync());
        Assert.Equal(PaymentStatus.Succeeded, (await db.PaymentRecords.AsNoTracking().SingleAsync()).Status);

        // Nothing is left to do: a second pass changes nothing.
        Assert.Equal(new RetentionPass(0, 0, false), await RunAsync(Factory));
    }

    [Fact]
    public async Task RunOnce_IdleCartWithoutOrder_IsDeletedWithItsLines_RecentCartsAndCartsWithOrdersAreKept()
    {
        var idle = new Shopper(Factory.CreateBrowserClient());
        var idleCart = await NewCartAsync(() => idle.AddToCartAsync("kiambu-aa", 2));
        var recentCart = await NewCartAsync(() => new Shopper(Factory.CreateBrowserClient()).AddToCartAsync("kiambu-aa"));
        var payer = new Shopper(Factory.CreateBrowserClient());
        var paidCart = await NewCartAsync(async () =>
        {
            await payer.AddToCartAsync("kiambu-aa");
            await payer.AddToCartAsync("yirgacheffe-kochere");
        });
        await payer.PayAsync("ctoken_pm_card_visa");
        var waiting = new Shopper(Factory.CreateBrowserClient());
        var waitingCart = await NewCartAsync(() => waiting.AddToCartAsync("kiambu-aa"));
        await waiting.PayAsync("ctoken_test_processing");
        foreach (var cart in new[] { idleCart, paidCart, waitingCart })
        {
            await AgeCartAsync(cart, 31);
        }

        await using var db = Db();
        Assert.Equal(OrderStatus.AwaitingPayment, (await db.Orders.SingleAsync(o => o.CartId == waitingCart)).Status);
        Assert.True(await db.CartItems.AnyAsync(i => i.CartId == idleCart));

        var pass = await RunAsync(Factory);

        Assert.Equal(new RetentionPass(PayloadsPurged: 0, CartsDeleted: 1, StoodBack: false), pass);
        Assert.Equal(new[] { paidCart, recentCart, waitingCart }.Order(), (await db.Carts.Select(c => c.Id).ToListAsync()).Order());
        Assert.False(await db.CartItems.AnyAsync(i => i.CartId == idleCart));
        Assert.True(await db.CartItems.AnyAsync(i => i.CartId == waitingCart));

        // The shopper who comes back (a cookie kept past its expiry) finds an empty cart and can fill it again.
        var cartPage = await idle.Client.GetStringAsync(new Uri(ShopFactory.BaseAddress, "/Cart"));
        Assert.Contains("Your cart is empty", cartPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await idle.AddToCartAsync("kiambu-aa")).StatusCode);
        Assert.Equal(1, await db.CartItems.Where(i => i.CartId == idleCart).SumAsync(i => i.Quantity));
    }

    [Fact]
    public async Task RunOnce_WhileAnotherInstanceHoldsTheLock_StandsBackAndChangesNothing()
    {
        var idleCart = await NewCartAsync(() => new Shopper(Factory.CreateBrowserClient()).AddToCartAsync("kiambu-aa"));
        await AgeCartAsync(idleCart, 40);

        await using (var other = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await other.OpenAsync();
            await using var transaction = await other.BeginTransactionAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({DataRetention.LockKey})", other, transaction))
            {
                await take.ExecuteNonQueryAsync();
            }

            Assert.Equal(new RetentionPass(0, 0, StoodBack: true), await RunAsync(Factory));
            await using var db = Db();
            Assert.True(await db.Carts.AnyAsync(c => c.Id == idleCart));
        }

        Assert.Equal(new RetentionPass(0, 1, StoodBack: false), await RunAsync(Factory));
    }

    [Fact]
    public async Task RunOnce_TwoInstancesAtOnceOverALargeBacklog_DoEveryRowOnceBetweenThem()
    {
        const int carts = 1200, payloads = 700;
        await using (var db = Db())
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO carts (id, created_at, updated_at, round)
                    SELECT gen_random_uuid(), now() - interval '40 days', now() - interval '40 days', 0 FROM generate_series(1, {carts});
                INSERT INTO cart_items (cart_id, product_id, quantity)
                    SELECT carts.id, (SELECT min(id) FROM products), 1 FROM carts;
                INSERT INTO stripe_events (id, type, received_at, payload)
                    SELECT 'evt_old_' || n, 'customer.updated', now() - interval '40 days',
                        jsonb_build_object('id', 'evt_old_' || n, 'type', 'customer.updated',
                            'data', jsonb_build_object('object', jsonb_build_object('email', 'ada' || n || '@example.com')))
                    FROM generate_series(1, {payloads}) AS n;
                """);
        }

        var small = new Dictionary<string, string?> { ["Retention:BatchSize"] = "100" };
        await using var first = new ShopFactory(Stripe, small);
        await using var second = new ShopFactory(Stripe, small);
        _ = (first.Services, second.Services);

        var passes = await Task.WhenAll(RunAsync(first), RunAsync(second));

        Assert.Equal(carts, passes.Sum(p => p.CartsDeleted));
        Assert.Equal(payloads, passes.Sum(p => p.PayloadsPurged));
        await using (var db = Db())
        {
            Assert.Equal(0, await db.Carts.CountAsync());
            Assert.Equal(0, await db.CartItems.CountAsync());
            Assert.Equal(0, (await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM stripe_events WHERE payload::text LIKE '%@example.com%'").ToListAsync()).Single());
            Assert.Equal(payloads, await db.StripeEvents.CountAsync());
        }

        // Nothing left: neither does anything more (one may find the other holding the lock and stand back).
        var again = await Task.WhenAll(RunAsync(first), RunAsync(second));
        Assert.All(again, p => Assert.Equal((0, 0), (p.PayloadsPurged, p.CartsDeleted)));
    }

    [Fact]
    public async Task Background_WhenEnabled_RunsAPassEveryIntervalByItself()
    {
        var idleCart = await NewCartAsync(() => new Shopper(Factory.CreateBrowserClient()).AddToCartAsync("kiambu-aa"));
        await AgeCartAsync(idleCart, 40);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Retention:Enabled"] = "true",
            ["Retention:IntervalMinutes"] = "60",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        _ = shop.Services;

        async Task<bool> CartGoneAsync()
        {
            await using var db = Db();
            return !await db.Carts.AnyAsync(c => c.Id == idleCart);
        }

        Assert.False(await CartGoneAsync());
        // An hour passes on the instance's clock (again on every check: the service may start its timer a moment later).
        Assert.True(await Waits.UntilAsync(async () =>
        {
            clock.Advance(TimeSpan.FromMinutes(60));
            return await CartGoneAsync();
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)));
    }
}
