using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Payments;

public class ReconcilerTests(ShopFixture fixture) : PaymentTest(fixture)
{
    /// <summary>A shop whose database fails right after Stripe took the money: it leaves Pending records behind.</summary>
    private ShopFactory BrokenAfterStripe() =>
        new(Stripe, services: s => s.AddSingleton<IInterceptor, FailPaymentUpdatesInterceptor>());

    private static async Task PayAsync(ShopFactory factory, string slug = "kiambu-aa")
    {
        var shopper = new Shopper(factory.CreateBrowserClient());
        await shopper.AddToCartAsync(slug, 1);
        await shopper.PayAsync("ctoken_pm_card_visa");
    }

    private async Task AgeRecordsAsync(TimeSpan age)
    {
        await using var db = Db();
        var then = DateTimeOffset.UtcNow - age;
        await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, then).SetProperty(p => p.CreatedAt, then));
    }

    private static async Task<int> ReconcileAsync(ShopFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileDueAsync(CancellationToken.None);
    }

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    [Fact]
    public async Task Reconcile_DatabaseFailedAfterStripeSucceeded_FindsThePaymentIntentBySearchAndSettlesItOnce()
    {
        await using (var broken = BrokenAfterStripe())
        {
            await PayAsync(broken);
        }

        var stuck = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Pending, stuck.Status);
        Assert.Null(stuck.PaymentIntentId);
        await AgeRecordsAsync(TimeSpan.FromMinutes(10));

        var first = await ReconcileAsync(Factory);
        var second = await ReconcileAsync(Factory);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        var settled = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, settled.Status);
        Assert.Equal(Assert.Single(Stripe.PaymentIntents).Id, settled.PaymentIntentId);
        Assert.Equal(OrderStatus.Paid, settled.Order!.Status);
        Assert.Contains(Stripe.Requests, r => r.Path == "/v1/payment_intents/search" && r.Query.Contains("order_id", StringComparison.Ordinal));
        await using var db = Db();
        Assert.Equal(1, await db.PaymentTimeline.CountAsync(e => e.ToStatus == PaymentStatus.Succeeded));
        Assert.Equal(0, await db.CartItems.CountAsync());
    }

    [Fact]
    public async Task ReconcileBacklog_MoreDueThanOneBatch_SettlesEveryOneInOnePass()
    {
        // A Stripe outage leaves one unsettled record per checkout it caught; a pass must not stop at one batch.
        await using (var broken = BrokenAfterStripe())
        {
            for (var i = 0; i < 3; i++)
            {
                await PayAsync(broken);
            }
        }

        Assert.All(await RecordsAsync(), r => Assert.Equal(PaymentStatus.Pending, r.Status));
        await AgeRecordsAsync(TimeSpan.FromMinutes(10));
        await using var batchesOfOne = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Reconciliation:BatchSize"] = "1" });

        await using var scope = batchesOfOne.Services.CreateAsyncScope();
        var changed = await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileBacklogAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(3, changed);
        var settled = await RecordsAsync();
        Assert.Equal(3, settled.Count);
        Assert.All(settled, r => Assert.Equal(PaymentStatus.Succeeded, r.Status));
        Assert.All(settled, r => Assert.Equal(OrderStatus.Paid, r.Order!.Status));
        Assert.Equal(Stripe.PaymentIntents.Select(pi => pi.Id).Order(), settled.Select(r => r.PaymentIntentId).Order());
    }

    [Fact]
    public async Task Reconcile_ProcessingRecordWithStoredId_RetrievesItById()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        await shopper.PayAsync("ctoken_test_processing");
        var record = Assert.Single(await RecordsAsync());
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        await AgeRecordsAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(1, await ReconcileAsync(Factory));

        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/payment_intents/{record.PaymentIntentId}");
    }

    [Fact]
    public async Task Reconcile_FreshRecords_AreLeftAlone()
    {
        SkipLedgerCheck("a fresh stuck record is left alone on purpose");
        await using (var broken = BrokenAfterStripe())
        {
            await PayAsync(broken);
        }

        var requestsBefore = Stripe.Requests.Count;

        Assert.Equal(0, await ReconcileAsync(Factory));

        Assert.Equal(PaymentStatus.Pending, Assert.Single(await RecordsAsync()).Status);
        Assert.Equal(requestsBefore, Stripe.Requests.Count);
    }

    /// <summary>Six payments Stripe took whose records stayed Pending (the database failed after Stripe), old enough to reconcile.</summary>
    private async Task SeedSixChargedButUnrecordedAsync()
    {
        await using (var broken = BrokenAfterStripe())
        {
            foreach (var slug in new[] { "kiambu-aa", "huila-el-mirador", "cerrado-sunrise", "sumatra-gayo", "antigua-san-miguel", "house-espresso" })
            {
                await PayAsync(broken, slug);
            }
        }

        await AgeRecordsAsync(TimeSpan.FromMinutes(10));
    }

    /// <summary>Every one of the six settled exactly once, whichever instance claimed it, each looked up at Stripe once.</summary>
    private async Task AssertSixSettledOnceAsync(int[] changed)
    {
        Assert.Equal(6, changed.Sum());
        Assert.All(await RecordsAsync(), r => Assert.Equal(PaymentStatus.Succeeded, r.Status));
        await using var db = Db();
        var settlements = await db.PaymentTimeline.Where(e => e.ToStatus == PaymentStatus.Succeeded).GroupBy(e => e.PaymentRecordId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(6, settlements.Count);
        Assert.All(settlements, count => Assert.Equal(1, count));
        Assert.Equal(6, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents/search"));
    }

    [Fact]
    public async Task Reconcile_TwoInstancesAtOnce_SettleEachRecordOnce()
    {
        await SeedSixChargedButUnrecordedAsync();
        await using var otherInstance = new ShopFactory(Stripe);
        Stripe.Latency = TimeSpan.FromMilliseconds(50);

        var changed = await Task.WhenAll(ReconcileAsync(Factory), ReconcileAsync(otherInstance));

        await AssertSixSettledOnceAsync(changed);
    }

    [Fact]
    public async Task ReconcileBacklog_TwoInstancesDrainingAtOnce_SettleEachRecordOnce()
    {
        // Both instances loop batch after batch over the same backlog: a record must still be claimed by one.
        await SeedSixChargedButUnrecordedAsync();
        var batchesOfOne = new Dictionary<string, string?> { ["Reconciliation:BatchSize"] = "1" };
        await using var one = new ShopFactory(Stripe, batchesOfOne);
        await using var other = new ShopFactory(Stripe, batchesOfOne);
        Stripe.Latency = TimeSpan.FromMilliseconds(50);

        var changed = await Task.WhenAll(DrainAsync(one), DrainAsync(other));

        await AssertSixSettledOnceAsync(changed);

        static async Task<int> DrainAsync(ShopFactory instance)
        {
            await using var scope = instance.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileBacklogAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Reconcile_AttemptThatNeverReachedStripe_IsMarkedFailedAfterTheAbandonTime()
    {
        await using (var impatient = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:TimeoutSeconds"] = "1", ["Stripe:MaxNetworkRetries"] = "0" }))
        {
            Stripe.HangNext(1);
            await PayAsync(impatient);
        }

        Assert.Empty(Stripe.PaymentIntents);
        await AgeRecordsAsync(TimeSpan.FromHours(2));

        Assert.Equal(1, await ReconcileAsync(Factory));

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Failed, record.Status);
        Assert.Equal("no_payment_intent", record.FailureCode);
        // Absence was proven with the List API over the attempt's creation window, and its bags went back.
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == "/v1/payment_intents" && r.Query.Contains("created", StringComparison.Ordinal));
        Assert.Equal(StockReservation.Released, record.StockReservation);
        Assert.Equal(0, await ReservedAsync());
    }

    [Fact]
    public async Task Reconcile_SearchLagsBehindAChargeThatExists_ListFindsItAndThePaymentIsNotFailed()
    {
        await using (var broken = BrokenAfterStripe())
        {
            await PayAsync(broken);
        }

        // Stripe's Search is eventually consistent: it does not see the PaymentIntent yet.
        Stripe.SearchLag = TimeSpan.FromHours(1);
        // Past the minimum age and the (short) abandon time; the PaymentIntent is inside the creation window.
        await AgeRecordsAsync(TimeSpan.FromMinutes(1.5));
        await using var quick = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Reconciliation:AbandonAfterMinutes"] = "1", ["Reconciliation:MinimumAgeSeconds"] = "60" });

        Assert.Equal(1, await ReconcileAsync(quick));

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(Assert.Single(Stripe.PaymentIntents).Id, record.PaymentIntentId);
        Assert.Equal(OrderStatus.Paid, record.Order!.Status);
        Assert.Contains(Stripe.Requests, r => r.Path == "/v1/payment_intents/search");
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == "/v1/payment_intents");
    }

    [Fact]
    public async Task Reconcile_CreationWindowTooBusyToReadToTheEnd_LeavesItToAnAdminInsteadOfFailingIt()
    {
        await using (var impatient = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:TimeoutSeconds"] = "1", ["Stripe:MaxNetworkRetries"] = "0" }))
        {
            Stripe.HangNext(1);
            await PayAsync(impatient);
        }

        // More PaymentIntents in the attempt's creation window than the shop will read: absence is not proven.
        var other = new Dictionary<string, string> { ["order_id"] = "0", ["attempt"] = "1" };
        for (var i = 0; i < 10_001; i++)
        {
            Stripe.CreatePaymentIntentDirectly(100, "eur", other, created: DateTimeOffset.UtcNow.AddMinutes(-2));
        }

        await AgeRecordsAsync(TimeSpan.FromMinutes(1.5));
        await using var quick = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Reconciliation:AbandonAfterMinutes"] = "1", ["Reconciliation:MinimumAgeSeconds"] = "60" });

        await ReconcileAsync(quick);

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.NeedsAttention, record.Status);
        Assert.Contains("could not be read to the end", record.AttentionReason, StringComparison.Ordinal);
        Assert.Null(record.FailureCode);
        SkipLedgerCheck("ten thousand PaymentIntents of other shops' orders stand in the window on purpose");
    }

    [Fact]
    public async Task Reconcile_AttemptsLostInOneOutage_ShareOneReadOfTheirCreationWindow()
    {
        // Three checkouts whose create call hung (Stripe never received them) and one whose answer was lost
        // after Stripe took the money, all in the same minutes: one list of their common window settles all four.
        await using (var impatient = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:TimeoutSeconds"] = "1", ["Stripe:MaxNetworkRetries"] = "0" }))
        {
            Stripe.HangNext(3);
            for (var i = 0; i < 3; i++)
            {
                await PayAsync(impatient);
            }
        }

        await using (var broken = BrokenAfterStripe())
        {
            await PayAsync(broken);
        }

        Stripe.SearchLag = TimeSpan.FromHours(1);
        await AgeRecordsAsync(TimeSpan.FromMinutes(1.5));
        await using var quick = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Reconciliation:AbandonAfterMinutes"] = "1", ["Reconciliation:MinimumAgeSeconds"] = "60" });

        Assert.Equal(4, await ReconcileAsync(quick));

        var records = await RecordsAsync();
        Assert.Equal(3, records.Count(r => r.Status == PaymentStatus.Failed && r.FailureCode == "no_payment_intent"));
        var paid = Assert.Single(records, r => r.Status == PaymentStatus.Succeeded);
        Assert.Equal(Assert.Single(Stripe.PaymentIntents).Id, paid.PaymentIntentId);
        Assert.Equal(OrderStatus.Paid, paid.Order!.Status);
        Assert.Single(Stripe.Requests, r => r.Method == "GET" && r.Path == "/v1/payment_intents" && r.Query.Contains("created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconcile_SharedWindowTooBusy_EachAttemptStillReadsItsOwnWindow()
    {
        await using (var impatient = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:TimeoutSeconds"] = "1", ["Stripe:MaxNetworkRetries"] = "0" }))
        {
            Stripe.HangNext(2);
            await PayAsync(impatient);
            await PayAsync(impatient);
        }

        // Windows of 5 minutes (abandon 1 + 2 × 2 of clock slack): the earlier attempt's [−12, −7] min and the
        // later one's [−8.5, −3.5] overlap, and only the earlier one's holds more PaymentIntents than the shop reads.
        var (earlier, later) = (await RecordsAsync()) switch { [var a, var b] => (a, b), _ => throw new InvalidOperationException("two records expected") };
        await using (var db = Db())
        {
            await SetCreatedAsync(db, earlier.Id, DateTimeOffset.UtcNow.AddMinutes(-10));
            await SetCreatedAsync(db, later.Id, DateTimeOffset.UtcNow.AddMinutes(-6.5));
        }

        var other = new Dictionary<string, string> { ["order_id"] = "0", ["attempt"] = "1" };
        for (var i = 0; i < 10_001; i++)
        {
            Stripe.CreatePaymentIntentDirectly(100, "eur", other, created: DateTimeOffset.UtcNow.AddMinutes(-11));
        }

        await using var quick = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Reconciliation:AbandonAfterMinutes"] = "1", ["Reconciliation:MinimumAgeSeconds"] = "60" });
        await ReconcileAsync(quick);

        // The shared read could not be completed; the later attempt's own window could, and proves it never reached Stripe.
        var records = await RecordsAsync();
        Assert.Equal(PaymentStatus.NeedsAttention, records.Single(r => r.Id == earlier.Id).Status);
        var proven = records.Single(r => r.Id == later.Id);
        Assert.Equal(PaymentStatus.Failed, proven.Status);
        Assert.Equal("no_payment_intent", proven.FailureCode);
        SkipLedgerCheck("ten thousand PaymentIntents of other shops' orders stand in the window on purpose");

        static Task<int> SetCreatedAsync(AppDbContext db, long id, DateTimeOffset at) =>
            db.PaymentRecords.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, at).SetProperty(p => p.UpdatedAt, at));
    }

    [Fact]
    public async Task FailNeverReached_RecordThatMovedMeanwhile_IsLeftAsItIs()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var waiting = Assert.Single(await RecordsAsync());

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FinalizePayment>().FailNeverReachedAsync(waiting.Id, "reconciler", CancellationToken.None);
        }

        var after = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.RequiresAction, after.Status);
        Assert.Equal(StockReservation.Held, after.StockReservation);
    }

    [Fact]
    public async Task Reconcile_FiveHundredRecordsThatNeverChange_DoNotStarveANewStuckRecord()
    {
        await SeedSlowPaymentsAsync(500);
        for (var pass = 0; pass < 10; pass++)
        {
            await ReconcileAsync(Factory);
        }

        await using (var db = Db())
        {
            // Every slow record has been looked at once and waits for its next look, further out each time.
            Assert.Equal(500, await db.PaymentRecords.CountAsync(p => p.ReconcileVisits == 1 && p.NextCheckAt > DateTimeOffset.UtcNow));
        }

        await using (var broken = BrokenAfterStripe())
        {
            await PayAsync(broken);
        }

        await using (var db = Db())
        {
            var then = DateTimeOffset.UtcNow.AddMinutes(-10);
            await db.PaymentRecords.Where(p => p.Status == PaymentStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, then).SetProperty(p => p.CreatedAt, then));
        }

        var changed = await ReconcileAsync(Factory) + await ReconcileAsync(Factory);

        Assert.Equal(1, changed);
        await using var after = Db();
        Assert.Equal(PaymentStatus.Succeeded, (await after.PaymentRecords.SingleAsync(p => p.Status != PaymentStatus.Processing)).Status);
        Assert.Equal(500, await after.PaymentRecords.CountAsync(p => p.Status == PaymentStatus.Processing));
    }

    [Fact]
    public async Task Reconcile_3DSecureLeftOpenPastTheWindow_IsCanceledAtStripeAndItsBagsGoBack()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(2, await ReservedAsync());
        await AgeRecordsAsync(TimeSpan.FromMinutes(30));

        await ReconcileAsync(Factory);

        Assert.Equal("requires_action", Stripe.FindPaymentIntent(record.PaymentIntentId!)!.Status);
        Assert.Equal(2, await ReservedAsync());

        await AgeRecordsAsync(TimeSpan.FromHours(2));
        await using (var db = Db())
        {
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.NextCheckAt, (DateTimeOffset?)null));
        }

        await ReconcileAsync(Factory);

        Assert.Equal("canceled", Stripe.FindPaymentIntent(record.PaymentIntentId!)!.Status);
        var canceled = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Canceled, canceled.Status);
        Assert.Equal(StockReservation.Released, canceled.StockReservation);
        Assert.Equal(0, await ReservedAsync());
        Assert.Equal(OrderStatus.AwaitingPayment, canceled.Order!.Status);
    }

    private async Task<int> ReservedAsync()
    {
        await using var db = Db();
        return await db.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.Reserved).SingleAsync();
    }

    /// <summary>Payments that stay "processing" at Stripe for days (bank debits): unsettled, and never changing.</summary>
    private async Task SeedSlowPaymentsAsync(int count)
    {
        await using var db = Db();
        var then = DateTimeOffset.UtcNow.AddDays(-1);
        var orders = Enumerable.Range(0, count).Select(i => new Order
        {
            PublicId = $"slow-{i}",
            CheckoutId = Guid.NewGuid(),
            CartId = Guid.NewGuid(),
            CartFingerprint = "slow",
            Email = "slow@example.com",
            Status = OrderStatus.AwaitingPayment,
            TotalMinor = 1690,
            SubtotalMinor = 1690,
            Currency = "EUR",
            CreatedAt = then,
        }).ToList();
        db.Orders.AddRange(orders);
        await db.SaveChangesAsync();
        foreach (var order in orders)
        {
            var intent = Stripe.CreatePaymentIntentDirectly(1690, "eur",
                new Dictionary<string, string> { ["order_id"] = order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["attempt"] = "1" },
                status: "processing");
            var record = PaymentRecord.BeginAttempt(order, 1, order.Email, "1 × Kiambu AA", then);
            record.Status = PaymentStatus.Processing;
            record.StockReservation = StockReservation.None;
            record.PaymentIntentId = intent.Id;
            db.PaymentRecords.Add(record);
        }

        await db.SaveChangesAsync();
    }
}
