using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CoffeeShop.Bench.CheckoutLoad;

internal sealed record WebhookResult(int Sent, int Answered2xx, double Seconds, int Workers, double[] LatenciesMs, IReadOnlyDictionary<string, int> Answers)
{
    public string Summary()
    {
        var sorted = LatenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var answers = Answers.Count == 0 ? "none" : string.Join(",", Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}x{a.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT webhooks={Sent} answered_2xx={Answered2xx} not_2xx={Sent - Answered2xx} seconds={Seconds:F2} per_second={Sent / Math.Max(Seconds, 0.001):F1} workers={Workers} p50_ms={Percentile(0.5):F1} p95_ms={Percentile(0.95):F1} max_ms={Percentile(1):F1} answers={answers}");
    }
}

/// <summary>
/// bench/run's webhook deliveries, the common kind: <c>payment_intent.succeeded</c> for a PaymentIntent the
/// shop has already recorded as succeeded (Stripe sends it after the return page finalized the order), each
/// a new event carrying the PaymentIntent as the (fake) Stripe API returns it, signed when sent.
/// </summary>
internal sealed class WebhookRun(ShopClient shop, Uri stripe, string stripeKey, string webhookSecret)
{
    /// <summary>
    /// <paramref name="count"/> event payloads over the given PaymentIntents (in turn, when there are fewer),
    /// each read from the Stripe API; every one must be succeeded there.
    /// </summary>
    public async Task<List<string>> PrepareAsync(IReadOnlyList<string> paymentIntentIds, int count, CancellationToken cancellationToken)
    {
        if (paymentIntentIds.Count == 0)
        {
            throw new BenchException("no PaymentIntents to send events about");
        }

        using var api = new HttpClient { BaseAddress = stripe };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stripeKey);
        var used = paymentIntentIds.Take(count).ToList();
        var intents = new JsonNode[used.Count];
        await Parallel.ForAsync(0, used.Count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var intent = JsonNode.Parse(await api.GetStringAsync(new Uri($"v1/payment_intents/{used[i]}", UriKind.Relative), ct))!;
            if ((string?)intent["status"] != "succeeded")
            {
                throw new BenchException($"Stripe has {used[i]} as {(string?)intent["status"]}, not succeeded");
            }

            intents[i] = intent;
        });

        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return [.. Enumerable.Range(0, count).Select(i =>
            StripeEvents.Payload(StripeEvents.NewId("evt_bench_"), "payment_intent.succeeded", intents[i % intents.Length], created))];
    }

    /// <summary>Delivers every payload once, <paramref name="workers"/> at a time; any answer but 2xx is counted, not retried.</summary>
    public async Task<WebhookResult> RunAsync(List<string> payloads, int workers, CancellationToken cancellationToken)
    {
        var next = -1;
        var answered2xx = 0;
        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double[]>();
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(async _ =>
        {
            var mine = new List<double>();
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                var started = clock.Elapsed;
                var answer = await DeliverAsync(payloads[i], cancellationToken);
                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                if (answer.Length == 3 && answer[0] == '2')
                {
                    Interlocked.Increment(ref answered2xx);
                }

                answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            }

            latencies.Add([.. mine]);
        });
        await Task.WhenAll(tasks);
        return new WebhookResult(payloads.Count, answered2xx, clock.Elapsed.TotalSeconds, workers, [.. latencies.SelectMany(l => l)], answers);
    }

    /// <summary>The status code, or what kept the delivery from getting one.</summary>
    private async Task<string> DeliverAsync(string payload, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.SignatureHeader(payload, webhookSecret));
            using var response = await shop.Http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException ex)
        {
            return $"http-{ex.HttpRequestError}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timeout";
        }
    }
}
