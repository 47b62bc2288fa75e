using System.Net;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RefundCreateOptions = Stripe.RefundCreateOptions;
using RefundService = Stripe.RefundService;
using StripeClient = Stripe.StripeClient;
using StripeClientOptions = Stripe.StripeClientOptions;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// Invoice and credit-note numbers run 1, 2, 3 … without a gap or a repeat, however the payments and refunds
/// arrive: at once on several instances, in a transaction that rolls back, twice, or not at all (ADR 0013).
/// </summary>
public sealed class DocumentNumberTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private static readonly string[] Slugs = ["kiambu-aa", "huila-el-mirador", "cerrado-sunrise", "sumatra-gayo", "antigua-san-miguel", "yirgacheffe-kochere"];

    private readonly List<ShopFactory> _instances = [];

    /// <summary>Another instance of the shop on the same database and Stripe, started now.</summary>
    private ShopFactory StartInstance(Action<IServiceCollection>? services = null)
    {
        var instance = new ShopFactory(Stripe, services: services);
        _instances.Add(instance);
        _ = instance.Services;
        return instance;
    }

    public override async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static async Task<Shopper> ShopperWithCartAsync(ShopFactory factory, string slug = "kiambu-aa")
    {
        var shopper = new Shopper(factory.CreateBrowserClient());
        Assert.Equal(HttpStatusCode.SeeOther, (await shopper.AddToCartAsync(slug, 1)).StatusCode);
        return shopper;
    }

    private static async Task<PaymentRecord> PayAsync(ShopFactory factory, AppDbContext db, string slug = "kiambu-aa", string email = "ada@example.com")
    {
        var shopper = await ShopperWithCartAsync(factory, slug);
        Assert.Equal(HttpStatusCode.SeeOther, (await shopper.PayAsync(ConfirmationTokens.Visa, email)).StatusCode);
        return await db.PaymentRecords.AsNoTracking().Include(p => p.Order).Where(p => p.CustomerEmail == email).SingleAsync();
    }

    private async Task<List<Order>> OrdersAsync()
    {
        await using var db = Db();
        return await db.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
    }

    private async Task<List<Refund>> RefundsAsync()
    {
        await using var db = Db();
        return await db.Refunds.AsNoTracking().OrderBy(r => r.CreatedAt).ToListAsync();
    }

    private async Task<long> LastNumberAsync(string sequence)
    {
        await using var db = Db();
        return await db.DocumentSequences.Where(s => s.Name == sequence).Select(s => s.LastNumber).SingleAsync();
    }

    private static List<long> OneTo(int n) => [.. Enumerable.Range(1, n).Select(i => (long)i)];

    [Fact]
    public async Task Checkout_TwelveShoppersPayingAtOnceOnTwoInstances_GetInvoiceNumbersOneToTwelve()
    {
        var b = StartInstance();
        var shoppers = new List<(Shopper Shopper, AngleSharp.Dom.IDocument Page, string Email)>();
        for (var i = 0; i < 12; i++)
        {
            var shopper = await ShopperWithCartAsync(i % 2 == 0 ? Factory : b, Slugs[i % Slugs.Length]);
            shoppers.Add((shopper, await shopper.CheckoutPageAsync(), $"shopper{i}@example.com"));
        }

        // Long enough a Stripe call that the twelve transactions marking orders paid overlap.
        Stripe.Latency = TimeSpan.FromMilliseconds(200);

        var paid = await Task.WhenAll(shoppers.Select(s => s.Shopper.PayAsync(ConfirmationTokens.Visa, s.Email, checkoutPage: s.Page)));

        Assert.All(paid, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        var orders = await OrdersAsync();
        Assert.Equal(12, orders.Count);
        Assert.All(orders, o => Assert.Equal(OrderStatus.Paid, o.Status));
        Assert.Equal(OneTo(12), orders.Select(o => o.InvoiceNumber!.Value).Order());
        Assert.Equal(12, await LastNumberAsync(DocumentSequence.Invoice));
    }

    [Fact]
    public async Task Checkout_PayingTransaction_HoldsNoSharedRowUntilItsCommit_AndTheOrderHasItsNumberAfter()
    {
        var probe = new SharedRowsProbe();
        var probed = StartInstance(s => s.AddSingleton<IInterceptor>(probe));
        await using var db = Db();

        var paid = await PayAsync(probed, db);

        // Every payment needs the invoice sequence, the desk's counts and its products' rows; the paying
        // transaction takes them as it commits (ADR 0025), so payments queue on them for a commit, not a payment.
        Assert.Empty(Assert.Single(probe.HeldBeforeCommit));
        Assert.Equal(OrderStatus.Paid, paid.Order!.Status);
        Assert.Equal(1, paid.Order.InvoiceNumber);
        Assert.Equal(1, await db.Database.SqlQuery<long>($"SELECT orders AS \"Value\" FROM order_fulfilment_counts WHERE fulfilment = 'ToPack'").SingleAsync());
    }

    [Fact]
    public async Task InvoiceNumber_TakenAwayFromAPaidOrder_IsRefusedAtTheCommit()
    {
        await using var db = Db();
        var paid = await PayAsync(Factory, db);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE orders SET invoice_number = NULL WHERE id = {paid.OrderId}"));

        Assert.Equal("orders_take_invoice_number", refused.ConstraintName);
        Assert.Equal(1, (await OrdersAsync()).Single().InvoiceNumber);
        Assert.Equal(1, await LastNumberAsync(DocumentSequence.Invoice));
    }

    [Fact]
    public async Task Checkout_TransactionRolledBackAfterTheNumberWasTaken_LeavesNoGap()
    {
        var breaks = new FailAfterInvoiceNumberInterceptor();
        var broken = StartInstance(s => s.AddSingleton<IInterceptor>(breaks));
        await using var db = Db();

        // Ada's payment takes invoice number 1, then its transaction rolls back: the number goes back with it.
        var ada = await PayAsync(broken, db, email: "ada@example.com");
        Assert.Equal([1L], breaks.TakenThenRolledBack);
        Assert.Equal(PaymentStatus.Pending, ada.Status);
        Assert.Null(ada.Order!.InvoiceNumber);
        Assert.Equal(0, await LastNumberAsync(DocumentSequence.Invoice));

        // The next paid order gets the number Ada's rolled-back payment had held; Ada's gets the next once settled.
        var bob = await PayAsync(Factory, db, "huila-el-mirador", "bob@example.com");
        Assert.Equal(1, bob.Order!.InvoiceNumber);
        await db.PaymentRecords.Where(p => p.Id == ada.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow.AddMinutes(-10)).SetProperty(p => p.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-10)));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileDueAsync(CancellationToken.None));
        }

        var orders = await OrdersAsync();
        Assert.Equal([(ada.OrderId, 2L), (bob.OrderId, 1L)], orders.Select(o => (o.Id, o.InvoiceNumber!.Value)));
        Assert.Equal(2, await LastNumberAsync(DocumentSequence.Invoice));
    }

    [Fact]
    public async Task Checkout_DeclinedAbandonedAndDuplicatePayments_TakeNoNumber_AndARefundedDuplicateNoCreditNote()
    {
        // Declined, then the cart changes (the declined order is abandoned), then paid: one number.
        var shopper = await ShopperWithCartAsync(Factory);
        await shopper.PayAsync(ConfirmationTokens.Declined);
        await shopper.PayAsync(ConfirmationTokens.InsufficientFunds);
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        await shopper.PayAsync(ConfirmationTokens.Visa);
        // Declined, then paid on the same order (attempt 2); then the declined attempt's money arrives after all.
        var other = await ShopperWithCartAsync(Factory, "sumatra-gayo");
        await other.PayAsync(ConfirmationTokens.Declined, "bob@example.com");
        await other.PayAsync(ConfirmationTokens.Visa, "bob@example.com");
        PaymentRecord declined;
        await using (var db = Db())
        {
            declined = await db.PaymentRecords.Where(p => p.CustomerEmail == "bob@example.com" && p.Attempt == 1).SingleAsync();
        }

        Stripe.SetPaymentIntentStatus(declined.PaymentIntentId!, "succeeded");
        await Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(declined.PaymentIntentId!)));
        // And a customer who never pays.
        await (await ShopperWithCartAsync(Factory, "cerrado-sunrise")).PayAsync(ConfirmationTokens.ExpiredCard, "cy@example.com");

        var orders = await OrdersAsync();
        Assert.Equal([OrderStatus.Abandoned, OrderStatus.Paid, OrderStatus.Paid, OrderStatus.AwaitingPayment], orders.Select(o => o.Status));
        Assert.Equal([null, 1L, 2L, null], orders.Select(o => o.InvoiceNumber));
        Assert.Equal(2, await LastNumberAsync(DocumentSequence.Invoice));
        await using var check = Db();
        Assert.Equal(PaymentStatus.NeedsAttention, (await check.PaymentRecords.SingleAsync(p => p.Id == declined.Id)).Status);

        // The duplicate money, refunded by an admin: it was never invoiced, so it gets no credit note.
        var admin = await AdminSession.SignInAsync(Factory);
        await SubmitRefundAsync(admin, await admin.GetDocumentAsync($"/Admin/Payments/{declined.Id}"));
        var duplicateRefund = await check.Refunds.AsNoTracking().SingleAsync(r => r.PaymentRecordId == declined.Id);
        Assert.Equal("succeeded", duplicateRefund.Status);
        Assert.Null(duplicateRefund.CreditNoteNumber);
        Assert.Equal(0, await LastNumberAsync(DocumentSequence.CreditNote));
    }

    /// <summary>Refunds as the Stripe Dashboard makes them: straight at Stripe, learned by the shop from the webhook.</summary>
    private RefundService Dashboard() => new(new StripeClient(new StripeClientOptions
    {
        ApiKey = FakeStripeApi.SecretKey,
        ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
    }));

    /// <summary>Submits the admin's refund form; without an amount, the form's own (what remains) is sent.</summary>
    private static Task<HttpResponseMessage> SubmitRefundAsync(HttpClient admin, AngleSharp.Dom.IDocument page, string? amount = null) =>
        admin.SubmitAsync(page.Form("#refund-form"), amount is null ? null : new Dictionary<string, string?> { ["Refund.Amount"] = amount });

    [Fact]
    public async Task Refunds_FromTheAdminFormAndTheDashboard_GetCreditNotesOneToN_FailedAndRepeatedOnesNoExtra()
    {
        await using var db = Db();
        var ada = await PayAsync(Factory, db, email: "ada@example.com");
        var bob = await PayAsync(Factory, db, "huila-el-mirador", "bob@example.com");
        var admin = await AdminSession.SignInAsync(Factory);
        var stripe2Shop = Factory.CreateClient();

        // 1: an admin's partial refund, its form submitted twice at once.
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{ada.Id}");
        await Task.WhenAll(SubmitRefundAsync(admin, page, "5.00"), SubmitRefundAsync(admin, page, "5.00"));
        // 2: a refund made in the Stripe Dashboard, its webhook delivered twice, then a re-sync reads it again.
        var dashboard = await Dashboard().CreateAsync(new RefundCreateOptions { PaymentIntent = bob.PaymentIntentId, Amount = 700 });
        Assert.Equal(HttpStatusCode.OK, (await stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(dashboard.Id)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.updated", Stripe.RefundJson(dashboard.Id)))).StatusCode);
        await admin.SubmitAsync((await admin.GetDocumentAsync($"/Admin/Payments/{bob.Id}")).Form("#resync-form"));
        // The Dashboard gives back the rest of Bob's payment; before its webhook arrives an admin refunds 1.00 more,
        // which Stripe refuses (nothing left on the charge): a failed refund, no credit note. 3: the webhook.
        var rest = await Dashboard().CreateAsync(new RefundCreateOptions { PaymentIntent = bob.PaymentIntentId });
        await SubmitRefundAsync(admin, await admin.GetDocumentAsync($"/Admin/Payments/{bob.Id}"), "1.00");
        await stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(rest.Id)));
        // 4: the rest of Ada's payment, refunded by an admin; Stripe's webhook for it comes too.
        await SubmitRefundAsync(admin, await admin.GetDocumentAsync($"/Admin/Payments/{ada.Id}"));
        await stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(Stripe.Refunds.Last().Id)));

        var refunds = await RefundsAsync();
        Assert.Equal(["succeeded", "succeeded", "failed", "succeeded", "succeeded"], refunds.Select(r => r.Status));
        Assert.Equal([1L, 2L, null, 3L, 4L], refunds.Select(r => r.CreditNoteNumber));
        Assert.Equal([500L, 700L, 100L, bob.AmountMinor - 700, ada.AmountMinor - 500], refunds.Select(r => r.AmountMinor));
        Assert.Equal(4, Stripe.Refunds.Count);
        Assert.Equal(4, await LastNumberAsync(DocumentSequence.CreditNote));
    }

    [Fact]
    public async Task Refunds_AtOnceOnTwoInstances_GetCreditNotesOneToSix()
    {
        var b = StartInstance();
        await using var db = Db();
        var records = new List<PaymentRecord>();
        for (var i = 0; i < 6; i++)
        {
            records.Add(await PayAsync(i % 2 == 0 ? Factory : b, db, Slugs[i], $"shopper{i}@example.com"));
        }

        var onA = await AdminSession.SignInAsync(Factory, "a@coffeeshop.test");
        var onB = await AdminSession.SignInAsync(b, "b@coffeeshop.test");
        var forms = new List<(HttpClient Admin, AngleSharp.Dom.IDocument Page)>();
        foreach (var (record, i) in records.Select((r, i) => (r, i)))
        {
            var admin = i % 2 == 0 ? onA : onB;
            forms.Add((admin, await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}")));
        }

        Stripe.Latency = TimeSpan.FromMilliseconds(200);

        var responses = await Task.WhenAll(forms.Select(f => SubmitRefundAsync(f.Admin, f.Page, "2.00")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        var refunds = await RefundsAsync();
        Assert.Equal(6, refunds.Count);
        Assert.All(refunds, r => Assert.Equal("succeeded", r.Status));
        Assert.Equal(OneTo(6), refunds.Select(r => r.CreditNoteNumber!.Value).Order());
        Assert.Equal(6, await LastNumberAsync(DocumentSequence.CreditNote));
    }

    [Fact]
    public async Task Database_RefusesAnInvoiceOrCreditNoteNumberTwice()
    {
        await using var db = Db();
        var ada = await PayAsync(Factory, db, email: "ada@example.com");
        var bob = await PayAsync(Factory, db, "huila-el-mirador", "bob@example.com");
        var admin = await AdminSession.SignInAsync(Factory);
        await SubmitRefundAsync(admin, await admin.GetDocumentAsync($"/Admin/Payments/{ada.Id}"), "1.00");
        await SubmitRefundAsync(admin, await admin.GetDocumentAsync($"/Admin/Payments/{bob.Id}"), "1.00");

        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var invoice = new NpgsqlCommand("UPDATE orders SET invoice_number = 1 WHERE id = @id", connection);
        invoice.Parameters.AddWithValue("id", bob.OrderId);
        var sameInvoice = await Assert.ThrowsAsync<PostgresException>(() => invoice.ExecuteNonQueryAsync());
        await using var creditNote = new NpgsqlCommand("UPDATE refunds SET credit_note_number = 1 WHERE credit_note_number = 2", connection);
        var sameCreditNote = await Assert.ThrowsAsync<PostgresException>(() => creditNote.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, sameInvoice.SqlState);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, sameCreditNote.SqlState);
        Assert.Equal([1L, 2L], (await OrdersAsync()).Select(o => o.InvoiceNumber!.Value));
        Assert.Equal([1L, 2L], (await RefundsAsync()).Select(r => r.CreditNoteNumber!.Value));
    }
}
