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
/// no order is paid without money behind it; refunds match; each product's on-hand and reserved
/// figures are the sums of its stock ledger, and each order's movements are exactly what its
/// payment's fate calls for. It lists every disagreement, not only the first.
/// </summary>
public static class Ledger
{
    private static readonly string[] AttentionReasonsForTakenMoney = [AttentionReasons.DuplicatePayment, AttentionReasons.PaidButOutOfStock];

    /// <summary>Fails with every disagreement between the fixture's database, its fake Stripe and its stock ledger.</summary>
    public static async Task AssertAgreesAsync(ShopFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var db = fixture.NewDbContext();
        await AssertAgreesAsync(fixture.Stripe, db);
    }

    public static async Task AssertAgreesAsync(FakeStripeApi stripe, AppDbContext db)
    {
        var disagreements = await DisagreementsAsync(stripe, db);
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
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(FakeStripeApi stripe, AppDbContext db)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(db);

        var books = new Books(
            await db.Products.AsNoTracking().OrderBy(p => p.Id).ToListAsync(),
            await db.Orders.AsNoTracking().Include(o => o.Lines).OrderBy(o => o.Id).ToListAsync(),
            await db.PaymentRecords.AsNoTracking().OrderBy(r => r.OrderId).ThenBy(r => r.Attempt).ToListAsync(),
            stripe.PaymentIntents.OrderBy(i => i.Created).ThenBy(i => i.Id, StringComparer.Ordinal).ToList(),
            await db.StockMovements.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

        var found = new List<string>();
        found.AddRange(TakenMoneyIsAccountedFor(books));
        found.AddRange(PaidOrdersHaveMoneyBehindThem(books));
        found.AddRange(RefundsAgree(books));
        found.AddRange(StockAddsUp(books));
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

    /// <summary>
    /// (d) On hand and reserved are the sums of each product's stock movements; reserved is what running
    /// attempts hold and stays between 0 and on hand; each order's movements net out to what its
    /// payment's fate calls for (sold: its bags gone; held: its bags reserved; anything else: nothing).
    /// </summary>
    private static IEnumerable<string> StockAddsUp(Books books)
    {
        foreach (var order in books.Orders)
        {
            var holding = books.Records.Where(r => r.OrderId == order.Id && r.StockReservation is StockReservation.Held or StockReservation.Sold).ToList();
            if (holding.Count > 1)
            {
                yield return $"Order {order.Id} has {holding.Count} attempts holding or selling its stock: {string.Join(", ", holding.Select(Describe))}.";
            }

            var fate = holding.Count == 1 ? holding[0].StockReservation : StockReservation.None;
            var moved = books.Movements.Where(m => m.OrderId == order.Id).GroupBy(m => m.ProductId)
                .ToDictionary(g => g.Key, g => (OnHand: g.Sum(m => m.OnHandDelta), Reserved: g.Sum(m => m.ReservedDelta)));
            var expected = order.Lines.GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity)).ToDictionary(
                p => p.Key,
                p => fate switch
                {
                    StockReservation.Sold => (OnHand: -p.Value, Reserved: 0),
                    StockReservation.Held => (OnHand: 0, Reserved: p.Value),
                    _ => (OnHand: 0, Reserved: 0),
                });
            foreach (var productId in expected.Keys.Union(moved.Keys))
            {
                var want = expected.GetValueOrDefault(productId);
                var got = moved.GetValueOrDefault(productId);
                if (want != got)
                {
                    yield return $"Order {order.Id} ({fate}) moved product {productId} by {got.OnHand} on hand and {got.Reserved} reserved; expected {want.OnHand} and {want.Reserved}.";
                }
            }
        }

        var held = BagsPerProduct(books, StockReservation.Held);
        foreach (var product in books.Products)
        {
            var name = $"Product {product.Id} '{product.Slug}'";
            var ledger = books.Movements.Where(m => m.ProductId == product.Id).ToList();
            var (onHand, reserved) = (ledger.Sum(m => m.OnHandDelta), ledger.Sum(m => m.ReservedDelta));
            if (product.Stock != onHand || product.Reserved != reserved)
            {
                yield return $"{name} shows {product.Stock} on hand and {product.Reserved} reserved, but its ledger sums to {onHand} and {reserved}.";
            }

            if (product.Reserved != held.GetValueOrDefault(product.Id))
            {
                yield return $"{name} has {product.Reserved} reserved, but attempts holding stock hold {held.GetValueOrDefault(product.Id)}.";
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

    private sealed record Books(List<Product> Products, List<Order> Orders, List<PaymentRecord> Records, List<FakePaymentIntent> Intents, List<StockMovement> Movements)
    {
        private readonly Dictionary<long, Order> _orders = Orders.ToDictionary(o => o.Id);
        private readonly Dictionary<string, FakePaymentIntent> _intents = Intents.ToDictionary(i => i.Id, StringComparer.Ordinal);

        public Order? Order(long id) => _orders.GetValueOrDefault(id);

        public FakePaymentIntent? Intent(string? id) => id is null ? null : _intents.GetValueOrDefault(id);
    }
}
