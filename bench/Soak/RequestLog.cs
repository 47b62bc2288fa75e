using System.Globalization;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The request log the traffic wrote (start in Unix ms, kind, status, ms, port; status 0 when no answer
/// came) and the fault windows bench/soak wrote (kind, start, end in Unix ms). A 5xx is forgiven only
/// inside a window widened by the grace: the time the shop takes to notice that a fault ended (a Stripe
/// call started in an outage may run its timeout and retries after it; a pool holds broken connections to a
/// restarted PostgreSQL until they are tried).
/// </summary>
internal static class RequestLog
{
    /// <summary>The pages customers see; their latencies are reported over the whole run, faults included.</summary>
    private static readonly string[] CustomerPages = ["catalog", "product", "cart", "cart-add", "checkout", "checkout-post", "order", "return"];

    public static List<Request> Read(string path) =>
        File.ReadLines(path).Select(line => line.Split('\t')).Where(f => f.Length == 5)
            .Select(f => new Request(long.Parse(f[0], CultureInfo.InvariantCulture), f[1], int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    public static List<(string Kind, long Start, long End)> ReadFaults(string path, long graceMs) =>
        File.ReadLines(path).Select(line => line.Split('\t')).Where(f => f.Length == 3)
            .Select(f => (f[0], long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture) + graceMs))
            .ToList();

    public static Row ServerErrors(List<Request> requests, List<(string Kind, long Start, long End)> faults)
    {
        var errors = requests.Where(r => r.Status >= 500).ToList();
        // A request is inside a window when it was under way during it (it started before the window's end and ended after its start).
        var outside = errors.Where(r => !faults.Any(f => r.Start <= f.End && r.Start + r.Milliseconds >= f.Start)).ToList();
        foreach (var r in outside)
        {
            Console.Error.WriteLine($"5xx outside fault windows: {DateTimeOffset.FromUnixTimeMilliseconds(r.Start):HH:mm:ss.fff} {r.Kind} {r.Status} after {r.Milliseconds} ms");
        }

        var unanswered = requests.Count(r => r.Status == 0);
        return new Row("5xx answers outside the fault windows",
            $"{outside.Count} ({errors.Count} 5xx in all, of {requests.Count} requests; {unanswered} requests unanswered, sent again to the other instance)",
            "0", outside.Count == 0);
    }

    public static IEnumerable<Row> Latencies(List<Request> requests)
    {
        var pages = requests.Where(r => r.Status is > 0 and < 500 && CustomerPages.Contains(r.Kind)).ToList();
        var parts = CustomerPages.Select(kind => pages.Where(r => r.Kind == kind).Select(r => r.Milliseconds).Order().ToList())
            .Zip(CustomerPages)
            .Where(x => x.First.Count > 0)
            .Select(x => $"{x.Second} {Percentile(x.First, 0.5)}/{Percentile(x.First, 0.95)} ms ({x.First.Count})");
        var all = pages.Select(r => r.Milliseconds).Order().ToList();
        yield return new Row("customer pages' latency over the run, faults included: p50/p95 (answers)",
            all.Count == 0 ? "no answers" : $"all {Percentile(all, 0.5)}/{Percentile(all, 0.95)} ms ({all.Count}); " + string.Join("; ", parts),
            "reported", null);
    }

    private static long Percentile(List<long> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    internal sealed record Request(long Start, string Kind, int Status, long Milliseconds);
}
