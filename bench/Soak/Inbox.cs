using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The inbox mode: moves smtp4dev's messages into a file as they arrive, for the ledger's email rows.
/// smtp4dev re-sorts every message it keeps after each one it receives and restarts slower the more it
/// holds: an hour's 28,000 messages left in it slowed its answers past the shop's SMTP timeout, and the
/// soak measured smtp4dev rather than the shop. A message is deleted from smtp4dev only after its line is
/// written; each line carries smtp4dev's own id, so a line written twice (stopped in between) is still
/// one message. Lines: smtp4dev id, outbox id from the Message-ID (<c>outbox-{id}@…</c>, "-" when it has
/// none), when smtp4dev received it (Unix ms).
/// </summary>
internal static class Inbox
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    /// <summary>Collects every few seconds until SIGTERM; a stopped smtp4dev (a fault) is tried again next round.</summary>
    public static async Task<int> RunAsync(Options options)
    {
        var file = options.Get("file");
        using var http = Client(new Uri(options.Get("smtp")));
        using var stopping = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stopping.Cancel();
        });
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await CollectAsync(http, file, stopping.Token);
                await Task.Delay(Every, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"inbox: smtp4dev did not answer ({ex.GetType().Name}); trying again");
                await Task.Delay(Every, CancellationToken.None);
            }
        }

        return 0;
    }

    public static HttpClient Client(Uri smtp4dev) => new() { BaseAddress = smtp4dev, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Moves what smtp4dev holds now into the file, a page at a time.</summary>
    public static async Task CollectAsync(HttpClient http, string file, CancellationToken cancellationToken)
    {
        while (true)
        {
            var answer = JsonNode.Parse(await http.GetStringAsync(new Uri("api/messages?page=1&pageSize=200", UriKind.Relative), cancellationToken))!;
            var ids = (answer is JsonArray array ? array : answer["results"]!.AsArray()).OfType<JsonNode>()
                .Select(m => (Id: m.Str("id"), Received: DateTimeOffset.Parse(m.Str("receivedDate"), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()))
                .ToList();
            if (ids.Count == 0)
            {
                return;
            }

            var lines = new List<string>();
            foreach (var (id, received) in ids)
            {
                var message = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/messages/{id}", UriKind.Relative), cancellationToken))!;
                var messageId = message["headers"]?.AsArray()
                    .FirstOrDefault(h => string.Equals(h!.Str("name"), "Message-ID", StringComparison.OrdinalIgnoreCase))?.Str("value") ?? "";
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{id}\t{OutboxId(messageId)?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{received}"));
            }

            await File.AppendAllLinesAsync(file, lines, cancellationToken);
            foreach (var (id, _) in ids)
            {
                using var deleted = await http.DeleteAsync(new Uri($"api/messages/{id}", UriKind.Relative), cancellationToken);
                deleted.EnsureSuccessStatusCode();
            }
        }
    }

    /// <summary>When smtp4dev received each outbox message (Unix ms, in order), by the id in its Message-ID.</summary>
    public static Dictionary<long, List<long>> Read(string file)
    {
        var delivered = new Dictionary<long, List<long>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.Exists(file) ? File.ReadLines(file) : [])
        {
            var parts = line.Split('\t');
            if (parts.Length != 3 || !seen.Add(parts[0]))
            {
                continue;
            }

            if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var outboxId))
            {
                Console.Error.WriteLine($"email: inbox message {parts[0]} has no outbox Message-ID");
                continue;
            }

            (delivered.TryGetValue(outboxId, out var times) ? times : delivered[outboxId] = []).Add(long.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        foreach (var times in delivered.Values)
        {
            times.Sort();
        }

        return delivered;
    }

    private static long? OutboxId(string messageId)
    {
        var at = messageId.IndexOf("outbox-", StringComparison.Ordinal);
        var end = messageId.IndexOf('@', Math.Max(at, 0));
        return at >= 0 && end > at && long.TryParse(messageId[(at + "outbox-".Length)..end], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
