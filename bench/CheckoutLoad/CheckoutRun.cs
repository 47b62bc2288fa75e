using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>A checkout ready to post: the customer's cookies and the form as the page rendered it.</summary>
internal sealed record PreparedCheckout(Customer Customer, List<KeyValuePair<string, string>> Fields);

internal sealed record LoadResult(int Succeeded, int Failed, double Seconds, int Workers, bool RanOut, double[] LatenciesMs, IReadOnlyDictionary<string, int> Errors)
{
    public double PerSecond => Succeeded / Seconds;

    public string Summary()
    {
        var sorted = LatenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var errors = Errors.Count == 0 ? "none" : string.Join(',', Errors.Select(e => $"{e.Key.Replace(' ', '_')}:{e.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT checkouts={Succeeded} failed={Failed} seconds={Seconds:F2} per_second={PerSecond:F1} workers={Workers} ran_out={(RanOut ? 1 : 0)} p50_ms={Percentile(0.5):F0} p95_ms={Percentile(0.95):F0} max_ms={Percentile(1):F0} errors={errors}");
    }
}

/// <summary>
/// Checkout load in two phases. Prepare (not timed): every virtual customer adds the product to a new
/// cart through the product page's form (antiforgery token and cookie), then opens the checkout and
/// keeps its form (checkout id, cart fingerprint, token). Timed: N workers post the
/// prepared forms, one customer each, as Stripe.js would (a ConfirmationToken in the hidden field).
/// A checkout counts only when the shop answers 303 to /Orders/….
/// </summary>
internal sealed class CheckoutRun(ShopClient shop, string productSlug, string confirmationToken)
{
    public async Task<PreparedCheckout[]> PrepareAsync(int count, int concurrency, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var prepared = new PreparedCheckout[count];
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            // Each preparing worker opens the product page once; its antiforgery cookie and token
            // serve every cart it fills (the token belongs to the cookie, not to the cart).
            AddToCartForm? form = null;
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                form ??= await OpenProductPageAsync(cancellationToken);
                prepared[i] = await PrepareOneAsync(form, cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PREPARED {count} carts in {clock.Elapsed.TotalSeconds:F1} s"));
        return prepared;
    }

    private sealed record AddToCartForm(Customer Visitor, string Action, List<KeyValuePair<string, string>> Fields);

    private async Task<AddToCartForm> OpenProductPageAsync(CancellationToken cancellationToken)
    {
        var visitor = new Customer();
        var productPage = await GetPageAsync(visitor, $"/Products/{productSlug}", cancellationToken);
        var fields = ShopClient.FormFields(productPage, "class=\"add\"", out var action);
        return new AddToCartForm(visitor, action ?? $"/Products/{productSlug}", fields);
    }

    /// <summary>Where every bench parcel goes: a German address, as a customer types it (the country comes from a select the form reader skips).</summary>
    private static readonly Dictionary<string, string> DeliveryAddress = new(StringComparer.Ordinal)
    {
        ["Input.Name"] = "Bench Customer",
        ["Input.Line1"] = "Röstereistraße 1",
        ["Input.Line2"] = "",
        ["Input.PostalCode"] = "10115",
        ["Input.City"] = "Berlin",
        ["Input.Country"] = "DE",
        ["Input.Phone"] = "",
    };

    private async Task<PreparedCheckout> PrepareOneAsync(AddToCartForm form, CancellationToken cancellationToken)
    {
        var customer = form.Visitor.Copy();
        using (var added = await shop.Http.SendAsync(customer.Request(HttpMethod.Post, form.Action, new FormUrlEncodedContent(form.Fields)), cancellationToken))
        {
            customer.Store(added);
            if (added.StatusCode != HttpStatusCode.SeeOther)
            {
                throw new BenchException($"add to cart answered {(int)added.StatusCode}, expected 303");
            }
        }

        var checkoutPage = await GetPageAsync(customer, "/Checkout", cancellationToken);
        var fields = ShopClient.FormFields(checkoutPage, "id=\"checkout-form\"", out _);
        fields.RemoveAll(f => f.Key is "Input.Email" or "Input.ConfirmationToken" || DeliveryAddress.ContainsKey(f.Key));
        fields.Add(new("Input.Email", "bench@example.com"));
        fields.AddRange(DeliveryAddress);
        fields.Add(new("Input.ConfirmationToken", confirmationToken));
        if (!fields.Exists(f => f.Key == "Input.CheckoutId") || !fields.Exists(f => f.Key == "__RequestVerificationToken"))
        {
            throw new BenchException("the checkout form has no Input.CheckoutId or antiforgery token");
        }

        return new PreparedCheckout(customer, fields);
    }

    private async Task<string> GetPageAsync(Customer customer, string url, CancellationToken cancellationToken)
    {
        using var response = await shop.Http.SendAsync(customer.Request(HttpMethod.Get, url), cancellationToken);
        customer.Store(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"GET {url} answered {(int)response.StatusCode}, expected 200");
        }

        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task<LoadResult> RunAsync(PreparedCheckout[] prepared, int workers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var next = -1;
        var succeeded = 0;
        var failed = 0;
        var ranOut = false;
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double[]>();
        var clock = Stopwatch.StartNew();
        Console.WriteLine("TIMED start");

        var tasks = Enumerable.Range(0, workers).Select(async _ =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= prepared.Length)
                {
                    ranOut = true;
                    break;
                }

                var started = clock.Elapsed;
                var outcome = await PostAsync(prepared[i], cancellationToken);
                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                if (outcome is null)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    errors.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                }
            }

            latencies.Add([.. mine]);
        });
        await Task.WhenAll(tasks);
        return new LoadResult(succeeded, failed, clock.Elapsed.TotalSeconds, workers, ranOut, [.. latencies.SelectMany(l => l)], errors);
    }

    /// <summary>Null when the order was paid (303 to /Orders/…); otherwise what went wrong.</summary>
    private async Task<string?> PostAsync(PreparedCheckout checkout, CancellationToken cancellationToken)
    {
        try
        {
            using var request = checkout.Customer.Request(HttpMethod.Post, "/Checkout", new FormUrlEncodedContent(checkout.Fields));
            using var response = await shop.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var location = response.Headers.Location?.OriginalString ?? "";
            return response.StatusCode == HttpStatusCode.SeeOther && location.StartsWith("/Orders/", StringComparison.Ordinal)
                ? null
                : $"{(int)response.StatusCode}{(location.Length > 0 ? " to " + location.Split('?')[0] : "")}";
        }
        catch (HttpRequestException ex)
        {
            return $"http {ex.HttpRequestError}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timeout";
        }
    }
}
