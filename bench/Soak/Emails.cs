using Npgsql;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The email rows of the ledger. Expected messages are the outbox's rows; every cause must have its row
/// (a Paid order its confirmation, a succeeded refund its notice, a shipped order its "shipped"), every row
/// must be Sent, and smtp4dev's inbox (moved into a file as it arrives by the inbox mode, <see cref="Inbox"/>) must hold each one,
/// recognised by the Message-ID the outbox gives it (<c>outbox-{id}@…</c>), exactly once. One kind of
/// second copy is the outbox's documented at-least-once delivery (ADR 0018) and cannot be prevented: the
/// server accepted a message and the instance was killed before marking it sent, or the SMTP server
/// stopped after taking it but before its answer arrived. Such a copy carries the same Message-ID (a mail
/// client shows it once) and its first delivery falls at an instance kill or an SMTP stop; it is reported,
/// not failed. Any other second copy fails the row. smtp4dev answers 250 before it has stored a message, so
/// when it is stopped in that moment it loses a message the shop was told it accepted; a message missing from
/// the inbox whose Sent mark falls within 5 s of an SMTP stop is reported, not failed. Any other loss fails.
/// </summary>
internal static class Emails
{
    /// <summary>How far before a kill or stop a copy may have been accepted and still be explained by it.</summary>
    private const long AcceptedBeforeFaultMs = 5000;

    public static async Task<IEnumerable<Row>> CheckAsync(NpgsqlDataSource db, Uri smtp4dev, string inboxFile, List<(string Kind, long Start, long End)> faults)
    {
        var rows = await Ledger.QueryAsync(db, "SELECT id, kind, status, (extract(epoch FROM sent_at) * 1000)::bigint FROM outbox_messages",
            r => (Id: r.GetInt64(0), Kind: r.GetString(1), Status: r.GetString(2), SentAt: r.IsDBNull(3) ? (long?)null : r.GetInt64(3)));
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

        // What smtp4dev still holds joins what the inbox mode moved out during the run.
        using (var http = Inbox.Client(smtp4dev))
        {
            await Inbox.CollectAsync(http, inboxFile, CancellationToken.None);
        }

        var delivered = Inbox.Read(inboxFile);
        var sent = rows.Where(r => r.Status == "Sent").ToList();
        var lost = sent.Where(r => Copies(delivered, r.Id) == 0).ToList();
        var twice = sent.Where(r => Copies(delivered, r.Id) > 1).ToList();
        var explained = twice.Where(r => faults.Any(f => f.Kind is "instance-kill" or "smtp-stop"
            && delivered[r.Id][0] >= f.Start - AcceptedBeforeFaultMs && delivered[r.Id][0] <= (f.Kind == "smtp-stop" ? f.Start + AcceptedBeforeFaultMs : f.End))).ToList();
        // smtp4dev answers 250 before it has stored a message; stopped in between, it loses it. The shop holds
        // the server's acceptance (it marks a message Sent only after it), so such a loss is the server's.
        var lostAtStop = lost.Where(r => r.SentAt is { } at && faults.Any(f => f.Kind == "smtp-stop"
            && at >= f.Start - AcceptedBeforeFaultMs && at <= f.Start + AcceptedBeforeFaultMs)).ToList();
        foreach (var row in lost)
        {
            Console.Error.WriteLine($"email: outbox row {row.Id} ({row.Kind}) is Sent but not in the inbox{(lostAtStop.Contains(row) ? " (accepted by smtp4dev within 5 s of its stop)" : "")}");
        }

        foreach (var row in twice)
        {
            var times = string.Join(", ", delivered[row.Id].Select(t => $"{DateTimeOffset.FromUnixTimeMilliseconds(t):HH:mm:ss.fff}"));
            Console.Error.WriteLine($"email: outbox row {row.Id} ({row.Kind}) delivered {delivered[row.Id].Count} times, at {times}{(explained.Contains(row) ? " (at an instance kill or SMTP stop)" : "")}");
        }

        var byKind = string.Join(", ", rows.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        return
        [
            new Row("emails: every cause (Paid order, succeeded refund, shipped order) has its outbox message, and every message is Sent",
                $"{missing.Count} causes without a message; {notSent.Count} of {rows.Count} messages not Sent ({byKind})", "0 and 0", missing.Count == 0 && notSent.Count == 0),
            new Row("emails: each Sent message in smtp4dev's inbox exactly once (by its Message-ID); a second copy only from an instance killed or the SMTP server stopped between its accept and the mark; a loss only by smtp4dev stopped just after it accepted",
                $"{sent.Count - lost.Count - twice.Count} once, {lost.Count} missing ({lostAtStop.Count} accepted within 5 s of an SMTP stop), {twice.Count} more than once ({explained.Count} at a kill or SMTP stop, same Message-ID); {delivered.Values.Sum(d => d.Count)} messages in the inbox",
                "all at least once, but for losses at an SMTP stop; more than once only at a kill or stop", lost.Count == lostAtStop.Count && twice.Count == explained.Count),
        ];
    }

    private static int Copies(Dictionary<long, List<long>> delivered, long id) => delivered.TryGetValue(id, out var times) ? times.Count : 0;
}
