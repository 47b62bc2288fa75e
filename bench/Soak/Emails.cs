using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The email rows of the ledger. Expected messages are the outbox's rows; every cause must have its row
/// (a Paid order its confirmation, a succeeded refund its notice, a shipped order its "shipped"), every row
/// must be Sent, and smtp4dev's inbox (kept in a file, so its restarts lose nothing) must hold each one,
/// recognised by the Message-ID the outbox gives it (<c>outbox-{id}@…</c>), exactly once.
/// </summary>
internal static class Emails
{
    public static async Task<IEnumerable<Row>> CheckAsync(NpgsqlDataSource db, Uri smtp4dev)
    {
        var rows = await Ledger.QueryAsync(db, "SELECT id, kind, status FROM outbox_messages",
            r => (Id: r.GetInt64(0), Kind: r.GetString(1), Status: r.GetString(2)));
        var missing = (await Ledger.QueryAsync(db, """
            SELECT 'confirmation of order ' || o.id FROM orders o WHERE o.status = 'Paid'
              AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.order_id = o.id AND m.kind = 'OrderConfirmation')
            UNION ALL
            SELECT 'refund notice ' || r.id FROM refunds r WHERE r.status = 'succeeded'
              AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.refund_id = r.id AND m.kind = 'RefundIssued')
            UNION ALL
            SELECT 'shipped notice of order ' || o.id FROM orders o WHERE o.shipped_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.order_id = o.id AND m.kind = 'OrderShipped')
            """, r => r.GetString(0))).ToList();
        foreach (var cause in missing)
        {
            Console.Error.WriteLine($"email: no outbox row for {cause}");
        }

        var notSent = rows.Where(r => r.Status != "Sent").ToList();
        foreach (var row in notSent)
        {
            Console.Error.WriteLine($"email: outbox row {row.Id} ({row.Kind}) is {row.Status}");
        }

        var delivered = await DeliveredAsync(smtp4dev);
        var sent = rows.Where(r => r.Status == "Sent").ToList();
        var lost = sent.Where(r => delivered.GetValueOrDefault(r.Id) == 0).ToList();
        var twice = sent.Where(r => delivered.GetValueOrDefault(r.Id) > 1).ToList();
        foreach (var row in lost)
        {
            Console.Error.WriteLine($"email: outbox row {row.Id} ({row.Kind}) is Sent but not in the inbox");
        }

        foreach (var row in twice)
        {
            Console.Error.WriteLine($"email: outbox row {row.Id} ({row.Kind}) delivered {delivered[row.Id]} times");
        }

        var byKind = string.Join(", ", rows.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        return
        [
            new Row("emails: every cause (Paid order, succeeded refund, shipped order) has its outbox message, and every message is Sent",
                $"{missing.Count} causes without a message; {notSent.Count} of {rows.Count} messages not Sent ({byKind})", "0 and 0", missing.Count == 0 && notSent.Count == 0),
            new Row("emails: each Sent message in smtp4dev's inbox exactly once (by its Message-ID)",
                $"{sent.Count - lost.Count - twice.Count} once, {lost.Count} missing, {twice.Count} more than once; {delivered.Values.Sum()} messages in the inbox",
                "all once", lost.Count == 0 && twice.Count == 0),
        ];
    }

    /// <summary>How many times smtp4dev received each outbox message, by the id in its Message-ID.</summary>
    private static async Task<Dictionary<long, int>> DeliveredAsync(Uri smtp4dev)
    {
        using var http = new HttpClient { BaseAddress = smtp4dev, Timeout = TimeSpan.FromSeconds(60) };
        var ids = new List<string>();
        for (var page = 1; ; page++)
        {
            var answer = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/messages?page={page}&pageSize=500", UriKind.Relative)))!;
            var results = answer is JsonArray array ? array : answer["results"]!.AsArray();
            ids.AddRange(results.Select(m => m!.Str("id")));
            if (answer is JsonArray || results.Count == 0 || page >= (int)(answer["pageCount"] ?? 1))
            {
                break;
            }
        }

        var counts = new Dictionary<long, int>();
        foreach (var id in ids)
        {
            var message = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/messages/{id}", UriKind.Relative)))!;
            var messageId = message["headers"]?.AsArray()
                .FirstOrDefault(h => string.Equals(h!.Str("name"), "Message-ID", StringComparison.OrdinalIgnoreCase))?.Str("value") ?? "";
            var at = messageId.IndexOf("outbox-", StringComparison.Ordinal);
            var end = messageId.IndexOf('@', Math.Max(at, 0));
            if (at >= 0 && end > at && long.TryParse(messageId[(at + "outbox-".Length)..end], NumberStyles.None, CultureInfo.InvariantCulture, out var outboxId))
            {
                counts[outboxId] = counts.GetValueOrDefault(outboxId) + 1;
            }
            else
            {
                Console.Error.WriteLine($"email: inbox message {id} has no outbox Message-ID ('{messageId}')");
            }
        }

        return counts;
    }
}
