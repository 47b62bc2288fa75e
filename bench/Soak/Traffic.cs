using System.Collections.Concurrent;
using System.Globalization;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// The traffic mode: many customers (<see cref="Customers"/>), two admins at the orders desk and the
/// payments pages (<see cref="Admins"/>) and Stripe's side (<see cref="StripeWorld"/>) against both
/// instances for the given time. A visit that meets a fault is given up and counted, as a customer would
/// leave; the ledger afterwards judges what the shop made of it. Paid orders are passed to the admins and
/// to "the Dashboard" through <see cref="PaidOrders"/>.
/// </summary>
internal static class Traffic
{
    public static async Task<int> RunAsync(Options options)
    {
        var bases = options.Get("bases").Split(',', StringSplitOptions.RemoveEmptyEntries);
        using var shop = new Shop(bases, options.Get("cert"), options.Get("requests"));
        var counters = new Counters();
        using var stripe = new StripeWorld(shop, new Uri(options.Get("control")), options.Get("webhook-secret"), counters);
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(options.Int("seconds", 120)));
        // Settlements and deliveries run on past the traffic, until drained below (bounded waits), as Stripe's would.
        using var world = new CancellationTokenSource();
        var paid = new PaidOrders();

        var catalog = await CatalogAsync(shop, stopping.Token);
        var customers = new Customers(shop, stripe, paid, counters, catalog, options.Get("scarce"), world.Token);
        var admins = new Admins(shop, paid, counters);
        await admins.SignInAsync(options.Get("enrol-link"), options.Get("admin-email"), options.Get("admin-password"), stopping.Token);

        var announcing = stripe.AnnounceRefundsAsync(TimeSpan.FromSeconds(2), world.Token);
        var visitors = Enumerable.Range(0, options.Int("customers", 16))
            .Select(n => Loop(n, customers.VisitAsync, counters, stopping.Token))
            .Append(Loop(0, admins.WorkAsync, counters, stopping.Token))
            .Append(Loop(1, customers.DashboardRefundAsync, counters, stopping.Token));
        await Task.WhenAll(visitors);
        Console.Error.WriteLine("traffic over; waiting for Stripe's last deliveries");
        await customers.DrainAsync(TimeSpan.FromSeconds(80));
        await stripe.AnnounceNewRefundsAsync(world.Token);
        // Stripe's retries of one delivery take three and a half minutes in all (StripeWorld).
        await stripe.DrainAsync(TimeSpan.FromSeconds(240));
        await world.CancelAsync();
        await announcing;
        // The deliveries just canceled count themselves ("the traffic stopped") before the counters are printed.
        await stripe.DrainAsync(TimeSpan.FromSeconds(5));

        foreach (var (name, count) in counters.All)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TRAFFIC {name}: {count}"));
        }

        return counters["visit"] > 0 ? 0 : 1;
    }

    /// <summary>The coffees on sale, from the catalog page.</summary>
    private static async Task<IReadOnlyList<string>> CatalogAsync(Shop shop, CancellationToken cancellationToken)
    {
        var html = await shop.GetPageAsync(new Customer(), "/", "catalog", cancellationToken);
        var slugs = System.Text.RegularExpressions.Regex.Matches(html, "href=\"/Products/([a-z0-9-]+)\"")
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        return slugs.Count > 0 ? slugs : throw new BenchException("the catalog lists no coffee");
    }

    /// <summary>One visitor's visits, one after another with a pause, until the run ends; a failed visit is counted and the next begins.</summary>
    private static async Task Loop(int who, Func<int, CancellationToken, Task> visit, Counters counters, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await visit(who, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SoakRequestException or HttpRequestException or BenchException or TaskCanceledException or System.Text.Json.JsonException)
            {
                counters.Add($"visit given up ({Kind(ex)})");
            }

            try
            {
                await Task.Delay(Random.Shared.Next(100, 800), stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Kind(Exception ex) => ex switch
    {
        SoakRequestException s when s.Message.Contains("answered 5", StringComparison.Ordinal) => "5xx",
        SoakRequestException s when s.Message.Contains("timed out", StringComparison.Ordinal) => "timeout",
        SoakRequestException => "unexpected answer",
        HttpRequestException => "both instances unreachable",
        _ => ex.GetType().Name,
    };
}

/// <summary>An order the shop said was paid: its internal id, public id and amount.</summary>
internal sealed record PaidOrder(long Id, string PublicId);

/// <summary>Paid orders waiting for an admin or a Dashboard refund; each is taken once.</summary>
internal sealed class PaidOrders
{
    private readonly ConcurrentQueue<PaidOrder> _queue = new();

    public void Add(PaidOrder order) => _queue.Enqueue(order);

    public PaidOrder? Take() => _queue.TryDequeue(out var order) ? order : null;
}
