using System.Globalization;
using System.Text;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// One check that the shop's books agree with Stripe and with its shelves, for the end of every
/// payment test: money Stripe took is recorded once and either fulfilled or waiting for an admin;
/// no order is paid without money behind it; refunds match; stock and reservations add up to the
/// sales and the attempts still running. It lists every disagreement, not only the first.
/// </summary>
public static class Ledger
{
    private static readonly string[] AttentionReasonsForTakenMoney = [AttentionReasons.DuplicatePayment, AttentionReasons.PaidButOutOfStock];

    /// <summary>Fails with every disagreement between the fixture's database, its fake Stripe and its stock baseline.</summary>
    public static async Task AssertAgreesAsync(ShopFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var db = fixture.NewDbContext();
        await AssertAgreesAsync(fixture.Stripe, db, fixture.StockBaseline);
    }

    public static async Task AssertAgreesAsync(FakeStripeApi stripe, AppDbContext db, StockBaseline stock)
    {
        var disagreements = await DisagreementsAsync(stripe, db, stock);
        if (disagreements.Count == 0)
        {
            return;
        }

        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"The shop's ledger disagrees with Stripe or its stock ({disagreements.Count}):");
        foreach (var disagreement in disagreements)
        {
            message.AppendLine().Append("  - ").Append(disagreement);
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>Every disagreement, in words; empty when the books agree.</summary>
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(FakeStripeApi stripe, AppDbContext db, StockBaseline stock)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(stock);

        var books = new Books(
            await db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync(),
            await db.Orders.AsNoTracking().Include(o => o.Lines).OrderBy(o => o.Id).ToListAsync(),
            await db.PaymentRecords.AsNoTracking().OrderBy(r => r.OrderId).ThenBy(r => r.Attempt).ToListAsync(),
            stripe.PaymentIntents.OrderBy(i => i.Created).ThenBy(i => i.Id, StringComparer.Ordinal).ToList());

        var found = new List<string>();
        found.AddRange(TakenMoneyIsAccountedFor(books));
        found.AddRange(PaidOrdersHaveMoneyBehindThem(books));
        found.AddRange(RefundsAgree(books));
        found.AddRange(StockAddsUp(books, stock));
        return found;
    }

    /// <summary>(a) Each succeeded PaymentIntent has exactly one record, paid with its order paid, or waiting for an admin for a known reason.</summary>
    private static IEnumerable<string> TakenMoneyIsAccountedFor(Books books)
    {
        foreach (var intent in books.Intents.Where(i => i.Status == "succeeded"))
        {
            var records = books.Records.Where(r => r.PaymentIntentId == intent.Id).ToList();
            if (records.Count == 0 && MetadataAttempt(intent) is var (orderId, attempt))
            {
                records = books.Records.Where(r => r.OrderId == orderId && r.Attempt == attempt).ToList();
            }

            var what = $"{intent.Id} (succeeded, {intent.Amount} {intent.Currency}, {MetadataText(intent)})";
            if (records.Count == 0)
            {
                yield return $"{what} has no payment record.";
                continue;
            }

            if (records.Count > 1)
            {
                yield return $"{what} has {records.Count} payment records: {string.Join(", ", records.Select(Describe))}.";
                continue;
            }

            var record = records[0];
            if (record.PaymentIntentId is { } other && other != intent.Id)
            {
                yield return $"{what} belongs by its metadata to {Describe(record)}, which points at {other} instead.";
                continue;
            }

            var order = books.Order(record.OrderId);
            if (PaymentStatusRules.IsPaid(record.Status))
            {
                if (order?.Status != OrderStatus.Paid)
                {
                    yield return $"{what} is recorded as {Describe(record)}, but order {record.OrderId} is {order?.Status.ToString() ?? "missing"}, not Paid.";
                }
            }
            else if (record.Status != PaymentStatus.NeedsAttention
                || !AttentionReasonsForTakenMoney.Any(reason => record.AttentionReason?.StartsWith(reason, StringComparison.Ordinal) == true))
            {
                yield return $"{what} is recorded as {Describe(record)}: money taken must be paid, or NeedsAttention as \"{string.Join("\" or \"", AttentionReasonsForTakenMoney)}…\".";
            }
        }
    }

    /// <summary>(b) A paid order has a succeeded PaymentIntent behind one of its records, and only one paid record.</summary>
    private static IEnumerable<string> PaidOrdersHaveMoneyBehindThem(Books books)
    {
        foreach (var order in books.Orders)
        {
            var records = books.Records.Where(r => r.OrderId == order.Id).ToList();
            var paid = records.Where(r => PaymentStatusRules.IsPaid(r.Status)).ToList();
            if (paid.Count > 1)
            {
                yield return $"Order {order.Id} has {paid.Count} paid records: {string.Join(", ", paid.Select(Describe))}.";
            }

            if (order.Status == OrderStatus.Paid && !records.Any(r => books.Intent(r.PaymentIntentId)?.Status == "succeeded"))
            {
                yield return $"Order {order.Id} is Paid, but no succeeded PaymentIntent at Stripe stands behind its records ({DescribeAll(records, books)}).";
            }
        }

        foreach (var record in books.Records.Where(r => PaymentStatusRules.IsPaid(r.Status)))
        {
            var intent = books.Intent(record.PaymentIntentId);
            if (intent?.Status != "succeeded")
            {
                yield return $"{Describe(record)} is paid, but its PaymentIntent at Stripe is {(intent is null ? "missing" : intent.Status)}.";
            }
        }
    }

    /// <summary>(c) What a record says was refunded is what Stripe refunded on the PaymentIntent's charge.</summary>
    private static IEnumerable<string> RefundsAgree(Books books)
    {
        foreach (var record in books.Records)
        {
            if (books.Intent(record.PaymentIntentId) is { } intent && intent.AmountRefunded != record.RefundedMinor)
            {
                yield return $"{Describe(record)} has {record.RefundedMinor} refunded, but Stripe refunded {intent.AmountRefunded} on {intent.Id}.";
            }
        }
    }

    /// <summary>(d) Stock is the baseline less what sold; reserved is what running attempts hold; 0 &lt;= reserved &lt;= stock.</summary>
    private static IEnumerable<string> StockAddsUp(Books books, StockBaseline baseline)
    {
        foreach (var order in books.Orders)
        {
            var holding = books.Records.Where(r => r.OrderId == order.Id && r.StockReservation is StockReservation.Held or StockReservation.Sold).ToList();
            if (holding.Count > 1)
            {
                yield return $"Order {order.Id} has {holding.Count} attempts holding or selling its stock: {string.Join(", ", holding.Select(Describe))}.";
            }
        }

        var sold = BagsPerProduct(books, StockReservation.Sold);
        var held = BagsPerProduct(books, StockReservation.Held);
        foreach (var product in books.Products)
        {
            var name = $"Product {product.Id} '{product.Slug}'";
            var soldBags = sold.GetValueOrDefault(product.Id);
            var heldBags = held.GetValueOrDefault(product.Id);
            if (baseline.For(product.Slug) is not { } start)
            {
                yield return $"{name} has no stock baseline; a test that adds a product calls StockBaseline.Set(\"{product.Slug}\", stock).";
            }
            else if (product.Stock != start - soldBags)
            {
                yield return $"{name} has stock {product.Stock}, but started with {start} and {soldBags} sold: expected {start - soldBags}.";
            }

            if (product.Reserved != heldBags)
            {
                yield return $"{name} has {product.Reserved} reserved, but attempts holding stock hold {heldBags}.";
            }

            if (product.Reserved < 0 || product.Reserved > product.Stock)
            {
                yield return $"{name} has {product.Reserved} reserved of {product.Stock} in stock: reserved must be between 0 and the stock.";
            }
        }
    }

    private static Dictionary<int, int> BagsPerProduct(Books books, StockReservation reservation) =>
        books.Records
            .Where(r => r.StockReservation == reservation)
            .SelectMany(r => books.Order(r.OrderId)?.Lines ?? [])
            .GroupBy(line => line.ProductId)
            .ToDictionary(g => g.Key, g => g.Sum(line => line.Quantity));

    private static (long OrderId, int Attempt)? MetadataAttempt(FakePaymentIntent intent) =>
        long.TryParse(intent.Metadata.GetValueOrDefault("order_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)
        && int.TryParse(intent.Metadata.GetValueOrDefault("attempt"), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            ? (orderId, attempt)
            : null;

    private static string MetadataText(FakePaymentIntent intent) =>
        $"order_id={intent.Metadata.GetValueOrDefault("order_id") ?? "none"}, attempt={intent.Metadata.GetValueOrDefault("attempt") ?? "none"}";

    private static string Describe(PaymentRecord record) =>
        $"record {record.Id} (order {record.OrderId} attempt {record.Attempt}, {record.Status}"
        + (record.AttentionReason is null ? "" : $" \"{record.AttentionReason}\"")
        + $", stock {record.StockReservation}, {record.PaymentIntentId ?? "no PaymentIntent"})";

    private static string DescribeAll(List<PaymentRecord> records, Books books) =>
        records.Count == 0
            ? "it has none"
            : string.Join("; ", records.Select(r => $"{Describe(r)} at Stripe: {books.Intent(r.PaymentIntentId)?.Status ?? "missing"}"));

    private sealed record Books(List<Product> Products, List<Order> Orders, List<PaymentRecord> Records, List<FakePaymentIntent> Intents)
    {
        private readonly Dictionary<long, Order> _orders = Orders.ToDictionary(o => o.Id);
        private readonly Dictionary<string, FakePaymentIntent> _intents = Intents.ToDictionary(i => i.Id, StringComparer.Ordinal);

        public Order? Order(long id) => _orders.GetValueOrDefault(id);

        public FakePaymentIntent? Intent(string? id) => id is null ? null : _intents.GetValueOrDefault(id);
    }
}
