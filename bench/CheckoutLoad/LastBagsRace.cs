using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CoffeeShop.Bench.CheckoutLoad;

internal enum RaceAnswer
{
    Paid,
    SoldOut,
    Error,
}

internal sealed record RaceResult(int Customers, IReadOnlyList<(RaceAnswer Answer, string Detail, double Ms)> Answers)
{
    public string Summary()
    {
        var sorted = Answers.Select(a => a.Ms).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        int Count(RaceAnswer answer) => Answers.Count(a => a.Answer == answer);
        var errors = Answers.Where(a => a.Answer == RaceAnswer.Error).GroupBy(a => a.Detail.Replace(' ', '_'), StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{g.Count()}").ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT customers={Customers} paid={Count(RaceAnswer.Paid)} soldout={Count(RaceAnswer.SoldOut)} errors={Count(RaceAnswer.Error)} p50_ms={Percentile(0.5):F0} p95_ms={Percentile(0.95):F0} max_ms={Percentile(1):F0} error_kinds={(errors.Count == 0 ? "none" : string.Join(',', errors))}");
    }
}

/// <summary>
/// The last bags: every customer has a cart of one bag and a freshly rendered checkout form (prepared
/// as for the load), then all post their checkout at the same moment. Each answer is classified: 303 to
/// /Orders/… is paid; 400 with the checkout page's stock problems saying "sold out" is a customer told
/// the coffee is gone; anything else is an error. Whether the numbers add up is bench/run's to judge,
/// from the database and the fake Stripe as well.
/// </summary>
internal sealed class LastBagsRace(ShopClient shop, string productSlug, string confirmationToken)
{
    public Task<PreparedCheckout[]> PrepareAsync(int customers, CancellationToken cancellationToken) =>
        // One preparing worker per customer, so the pool holds a connection for each post of the race.
        new CheckoutRun(shop, productSlug, confirmationToken).PrepareAsync(customers, concurrency: customers, cancellationToken);

    public async Task<RaceResult> RunAsync(PreparedCheckout[] prepared, CancellationToken cancellationToken)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        var posts = prepared.Select(async checkout =>
        {
            await start.Task;
            var (answer, detail) = await PostAsync(checkout, cancellationToken);
            return (answer, detail, clock.Elapsed.TotalMilliseconds);
        }).ToArray();

        Console.WriteLine("RACE start");
        clock.Start();
        start.SetResult();
        var answers = await Task.WhenAll(posts);
        return new RaceResult(prepared.Length, answers);
    }

    private async Task<(RaceAnswer, string)> PostAsync(PreparedCheckout checkout, CancellationToken cancellationToken)
    {
        try
        {
            using var request = checkout.Customer.Request(HttpMethod.Post, "/Checkout", new FormUrlEncodedContent(checkout.Fields));
            using var response = await shop.Http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location?.OriginalString ?? "";
            if (response.StatusCode == HttpStatusCode.SeeOther && location.StartsWith("/Orders/", StringComparison.Ordinal))
            {
                return (RaceAnswer.Paid, "paid");
            }

            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var page = await response.Content.ReadAsStringAsync(cancellationToken);
                return page.Contains("id=\"stock-problems\"", StringComparison.Ordinal) && page.Contains("sold out", StringComparison.OrdinalIgnoreCase)
                    ? (RaceAnswer.SoldOut, "sold out")
                    : (RaceAnswer.Error, "400 without sold out");
            }

            return (RaceAnswer.Error, $"{status}{(location.Length > 0 ? " to " + location.Split('?')[0] : "")}");
        }
        catch (HttpRequestException ex)
        {
            return (RaceAnswer.Error, $"http {ex.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (RaceAnswer.Error, "timeout");
        }
    }
}
