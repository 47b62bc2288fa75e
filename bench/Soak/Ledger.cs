using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CoffeeShop.Bench.CheckoutLoad;
using Npgsql;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The ledger mode: after the faults and the settle time, the fake Stripe's ledger (every PaymentIntent and
/// refund), the shop's database and smtp4dev's inbox are compared, row by row, and the table is printed as
/// Markdown. Exit status 1 when any row fails. Details of each failure go to stderr (the ledger log).
/// </summary>
internal static class Ledger
{
    public static async Task<int> RunAsync(Options options)
    {
        await using var db = NpgsqlDataSource.Create(options.Get("connection"));
        using var control = new HttpClient { BaseAddress = new Uri(options.Get("control")), Timeout = TimeSpan.FromSeconds(60) };
        var stripe = JsonNode.Parse(await control.GetStringAsync(new Uri("ledger", UriKind.Relative)))!;
        var intents = stripe["payment_intents"]!.AsArray().OfType<JsonNode>().Select(i => new StripeIntent(
            i.Str("id"), (long)i["amount"]!, i.Str("status"), i["order_id"]?.GetValue<string>(), (long)i["amount_refunded"]!)).ToList();
        var stripeRefunds = stripe["refunds"]!.AsArray()
            .Where(r => r!.Str("status") == "succeeded")
            .GroupBy(r => r!.Str("payment_intent"))
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)r!["amount"]!), StringComparer.Ordinal);

        var rows = new List<Row>();
        var records = await PaymentRecordsAsync(db);
        var byIntent = records.Where(r => r.PaymentIntentId is not null).ToDictionary(r => r.PaymentIntentId!, StringComparer.Ordinal);
        var orders = await QueryAsync(db, "SELECT id, status, cart_id::text, cart_round FROM orders",
            r => (Id: r.GetInt64(0), Status: r.GetString(1), Cart: r.IsDBNull(2) ? "" : r.GetString(2), Round: r.IsDBNull(3) ? 0 : Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)));
        var orderStatus = orders.ToDictionary(o => o.Id, o => o.Status);

        rows.Add(DoubleCharges(intents, byIntent, orders));
        rows.AddRange(Money(intents, byIntent, orderStatus));
        rows.Add(Statuses(intents, byIntent, records));
        rows.Add(Refunds(intents, stripeRefunds, byIntent, await RefundTotalsAsync(db)));
        rows.Add(await StockAsync(db, options.Get("initial-stock")));
        rows.Add(await NumbersAsync(db, "invoice numbers", "SELECT invoice_number FROM orders WHERE invoice_number IS NOT NULL", "invoice"));
        rows.Add(await NumbersAsync(db, "credit-note numbers", "SELECT credit_note_number FROM refunds WHERE credit_note_number IS NOT NULL", "credit_note"));
        var requests = RequestLog.Read(options.Get("requests"));
        var faults = RequestLog.ReadFaults(options.Get("faults"), options.Int("grace-ms", 20000));
        rows.AddRange(await Emails.CheckAsync(db, new Uri(options.Get("smtp")), options.Get("inbox"), RequestLog.ReadFaults(options.Get("faults"), 0)));
        rows.Add(RequestLog.ServerErrors(requests, faults));
        rows.AddRange(RequestLog.Latencies(requests));

        var table = new StringBuilder("| check | figure | goal | result |\n|---|---|---|---|\n");
        foreach (var row in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {row.Check} | {row.Figure} | {row.Goal} | {(row.Passed is null ? "—" : row.Passed.Value ? "pass" : "FAIL")} |\n");
        }

        Console.Write(table);
        return rows.Any(r => r.Passed == false) ? 1 : 0;
    }

    /// <summary>Two succeeded PaymentIntents for one order, or two paid orders of one cart's round: each extra one must be flagged NeedsAttention.</summary>
    private static Row DoubleCharges(List<StripeIntent> intents, Dictionary<string, PaymentRow> byIntent, List<(long Id, string Status, string Cart, long Round)> orders)
    {
        var doubles = intents.Where(i => i.Status == "succeeded" && i.OrderId is not null).GroupBy(i => i.OrderId!).Where(g => g.Count() > 1).ToList();
        var unflagged = doubles.SelectMany(g => g).Where(i => !byIntent.TryGetValue(i.Id, out var r) || r.AttentionReason is null).ToList();
        // Every order of one doubly-charged group may be fine if one is flagged: the flagged ones are the extras.
        var unflaggedGroups = doubles.Count(g => g.Count(i => byIntent.TryGetValue(i.Id, out var r) && r.AttentionReason is not null) < g.Count() - 1);
        var cartDoubles = orders.Where(o => o.Status == "Paid" && o.Cart.Length > 0).GroupBy(o => (o.Cart, o.Round)).Count(g => g.Count() > 1);
        foreach (var i in unflagged)
        {
            Console.Error.WriteLine($"double charge: order {i.OrderId} {i.Id} not flagged");
        }

        return new Row("double charges: orders with two succeeded PaymentIntents; carts with two paid orders in one round",
            $"{doubles.Count} orders doubly charged ({unflaggedGroups} with an extra charge not flagged NeedsAttention); {cartDoubles} carts",
            "0, or each extra flagged NeedsAttention; 0 carts", unflaggedGroups == 0 && cartDoubles == 0);
    }

    private static IEnumerable<Row> Money(List<StripeIntent> intents, Dictionary<string, PaymentRow> byIntent, Dictionary<long, string> orderStatus)
    {
        var money = intents.Where(i => i.Status == "succeeded").ToList();
        var orphaned = money.Where(i => !byIntent.TryGetValue(i.Id, out var r)
            || (r.AttentionReason is null && orderStatus.GetValueOrDefault(r.OrderId) != "Paid")).ToList();
        foreach (var i in orphaned)
        {
            Console.Error.WriteLine($"money at Stripe without a Paid order: {i.Id} order {i.OrderId} record {(byIntent.TryGetValue(i.Id, out var r) ? r.Status : "none")}");
        }

        var flagged = money.Count(i => byIntent.TryGetValue(i.Id, out var r) && r.AttentionReason is not null);
        yield return new Row("money at Stripe (succeeded PaymentIntents) without a Paid order",
            $"{orphaned.Count} of {money.Count} (flagged NeedsAttention instead: {flagged})", "0", orphaned.Count == 0);

        var paidAtStripe = money.Where(i => i.OrderId is not null).Select(i => i.OrderId!).ToHashSet(StringComparer.Ordinal);
        var paidOrders = orderStatus.Where(o => o.Value == "Paid").Select(o => o.Key).ToList();
        var unpaid = paidOrders.Where(id => !paidAtStripe.Contains(id.ToString(CultureInfo.InvariantCulture))).ToList();
        foreach (var id in unpaid)
        {
            Console.Error.WriteLine($"Paid order without money at Stripe: {id}");
        }

        yield return new Row("Paid orders without a succeeded PaymentIntent at Stripe", $"{unpaid.Count} of {paidOrders.Count}", "0", unpaid.Count == 0);
    }

    /// <summary>Each payment record's status against its PaymentIntent's at Stripe (and records that never reached Stripe must have failed).</summary>
    private static Row Statuses(List<StripeIntent> intents, Dictionary<string, PaymentRow> byIntent, List<PaymentRow> records)
    {
        var differing = 0;
        foreach (var intent in intents)
        {
            if (!byIntent.TryGetValue(intent.Id, out var record))
            {
                // A PaymentIntent the shop never stored: only acceptable when it never took money and is not left open.
                if (intent.Status is "succeeded" or "processing" or "requires_action")
                {
                    differing++;
                    Console.Error.WriteLine($"status: {intent.Id} ({intent.Status}) has no payment record");
                }

                continue;
            }

            if (!Agrees(intent, record))
            {
                differing++;
                Console.Error.WriteLine($"status: {intent.Id} is {intent.Status} (refunded {intent.AmountRefunded} of {intent.Amount}) at Stripe, {record.Status} in the shop");
            }
        }

        var stuck = records.Where(r => r.PaymentIntentId is null && r.Status is not ("Failed" or "Canceled")).ToList();
        foreach (var r in stuck)
        {
            Console.Error.WriteLine($"status: record {r.Id} has no PaymentIntent and is {r.Status}");
        }

        return new Row("payment statuses that differ from Stripe's", $"{differing + stuck.Count} of {records.Count} records ({intents.Count} PaymentIntents at Stripe)",
            "0", differing + stuck.Count == 0);
    }

    private static bool Agrees(StripeIntent intent, PaymentRow record) => record.AttentionReason is not null
        ? intent.Status == "succeeded"
        : intent.Status switch
        {
            "succeeded" when intent.AmountRefunded == 0 => record.Status is "Succeeded" or "Disputed",
            "succeeded" when intent.AmountRefunded < intent.Amount => record.Status == "PartiallyRefunded",
            "succeeded" => record.Status == "Refunded",
            "processing" => record.Status == "Processing",
            "requires_action" => record.Status == "RequiresAction",
            "requires_payment_method" => record.Status == "Failed",
            "canceled" => record.Status is "Canceled" or "Failed",
            _ => false,
        };

    private static Row Refunds(List<StripeIntent> intents, Dictionary<string, long> stripeRefunds, Dictionary<string, PaymentRow> byIntent, Dictionary<long, long> shopRefunds)
    {
        var checkedCount = 0;
        var differing = 0;
        foreach (var intent in intents.Where(i => i.AmountRefunded > 0 || stripeRefunds.ContainsKey(i.Id)))
        {
            checkedCount++;
            var atStripe = stripeRefunds.GetValueOrDefault(intent.Id);
            var record = byIntent.GetValueOrDefault(intent.Id);
            var inShop = record is null ? 0 : shopRefunds.GetValueOrDefault(record.Id);
            if (record is null || atStripe != inShop || record.RefundedMinor != atStripe)
            {
                differing++;
                Console.Error.WriteLine($"refunds: {intent.Id} Stripe {atStripe}, shop refunds {inShop}, record's refunded {record?.RefundedMinor}");
            }
        }

        return new Row("refund totals per payment (Stripe's refunds, the shop's refunds, the record's refunded amount)",
            $"{differing} of {checkedCount} refunded payments differ; {stripeRefunds.Values.Sum()} refunded at Stripe in all", "0 differ", differing == 0);
    }

    /// <summary>Stock = initial − sold + returned for every coffee, the movement ledger adds up, and nothing is negative.</summary>
    private static async Task<Row> StockAsync(NpgsqlDataSource db, string initialFile)
    {
        var initial = (await File.ReadAllLinesAsync(initialFile)).Where(l => l.Contains(' ', StringComparison.Ordinal))
            .ToDictionary(l => l.Split(' ')[0], l => long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var products = await QueryAsync(db, """
            SELECT p.slug, p.stock, p.reserved,
                   COALESCE((SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.product_id = p.id AND o.status = 'Paid'), 0),
                   COALESCE((SELECT sum(m.on_hand_delta) FROM stock_movements m WHERE m.product_id = p.id AND m.reason = 'Return'), 0),
                   COALESCE((SELECT sum(m.on_hand_delta) FROM stock_movements m WHERE m.product_id = p.id), 0),
                   COALESCE((SELECT -sum(m.on_hand_delta) FROM stock_movements m WHERE m.product_id = p.id AND m.reason = 'Sale'), 0)
            FROM products p
            """, r => (Slug: r.GetString(0), Stock: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), Reserved: Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
                Sold: Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), Returned: Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture),
                Ledger: Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture), SaleMoves: Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture)));
        var wrong = 0;
        foreach (var p in products)
        {
            var expected = initial.GetValueOrDefault(p.Slug) - p.Sold + p.Returned;
            if (p.Stock != expected || p.Stock != p.Ledger || p.Stock < 0 || p.Reserved < 0 || p.SaleMoves != p.Sold)
            {
                wrong++;
                Console.Error.WriteLine($"stock: {p.Slug} stock {p.Stock} (reserved {p.Reserved}), expected {expected} = {initial.GetValueOrDefault(p.Slug)} − {p.Sold} sold + {p.Returned} returned; movements add up to {p.Ledger}, sales moved {p.SaleMoves}");
            }
        }

        return new Row("stock = initial − sold (Paid orders' lines) + returned, equal to the movement ledger, never negative",
            $"{wrong} of {products.Count} coffees differ; {products.Sum(p => p.Sold)} bags sold, {products.Sum(p => p.Returned)} returned; lowest stock {products.Min(p => p.Stock)}",
            "0 differ, none negative", wrong == 0);
    }

    /// <summary>The numbers given are exactly 1..N, each once, and the sequence's last number is N.</summary>
    private static async Task<Row> NumbersAsync(NpgsqlDataSource db, string name, string sql, string sequence)
    {
        var numbers = (await QueryAsync(db, sql, r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture))).Order().ToList();
        var last = (await QueryAsync(db, $"SELECT last_number FROM document_sequences WHERE name = '{sequence}'", r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture))).FirstOrDefault();
        var gapFree = numbers.Select((n, i) => n == i + 1).All(x => x) && last == numbers.Count;
        return new Row($"{name} gap-free", $"{numbers.Count} given, {(numbers.Count == 0 ? "none" : $"{numbers[0]}–{numbers[^1]}")}, sequence at {last}",
            "1…N, each once, sequence at N", gapFree);
    }

    private static async Task<List<PaymentRow>> PaymentRecordsAsync(NpgsqlDataSource db) =>
        await QueryAsync(db, "SELECT id, order_id, status, payment_intent_id, attention_reason, refunded_minor FROM payment_records",
            r => new PaymentRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5)));

    private static async Task<Dictionary<long, long>> RefundTotalsAsync(NpgsqlDataSource db) =>
        (await QueryAsync(db, "SELECT payment_record_id, sum(amount_minor) FROM refunds WHERE status = 'succeeded' GROUP BY payment_record_id",
            r => (Record: r.GetInt64(0), Amount: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)))).ToDictionary(x => x.Record, x => x.Amount);

    public static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private sealed record StripeIntent(string Id, long Amount, string Status, string? OrderId, long AmountRefunded);

    private sealed record PaymentRow(long Id, long OrderId, string Status, string? PaymentIntentId, string? AttentionReason, long RefundedMinor);
}

/// <summary>One line of the table: <see cref="Passed"/> null for a figure that is reported, not judged.</summary>
internal sealed record Row(string Check, string Figure, string Goal, bool? Passed);
