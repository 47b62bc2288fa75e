using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// Everything Stripe does outside the shop's API calls, played through the fake's control port (which no
/// API outage reaches): banks settling or failing a processing payment, customers finishing or abandoning
/// 3-D Secure, refunds made in the Dashboard, and webhook deliveries as Stripe makes them: each event
/// holds the object as it was when the event happened, is delivered after a delay (sometimes long, so
/// newer events overtake it), sometimes twice, and retried with a growing wait while the shop does not
/// answer 200 (an instance killed, the database restarting).
/// </summary>
internal sealed class StripeWorld(Shop shop, Uri control, string webhookSecret, Counters counters) : IDisposable
{
    private readonly HttpClient _control = new() { BaseAddress = control, Timeout = TimeSpan.FromSeconds(20) };
    private readonly ConcurrentDictionary<Task, byte> _deliveries = new();
    private readonly ConcurrentDictionary<string, byte> _announcedRefunds = new(StringComparer.Ordinal);

    public async Task<JsonNode> PaymentIntentAsync(string id, CancellationToken cancellationToken) =>
        JsonNode.Parse(await _control.GetStringAsync(new Uri($"payment_intents/{id}", UriKind.Relative), cancellationToken))!;

    /// <summary>The order's PaymentIntents at Stripe (by <c>metadata.order_id</c>), oldest first.</summary>
    public async Task<IReadOnlyList<(string Id, string Status)>> PaymentIntentsOfOrderAsync(long orderId, CancellationToken cancellationToken)
    {
        var list = JsonNode.Parse(await _control.GetStringAsync(new Uri($"orders/{orderId.ToString(CultureInfo.InvariantCulture)}/payment_intents", UriKind.Relative), cancellationToken))!.AsArray();
        return list.Select(i => ((string)i!["id"]!, (string)i["status"]!)).Reverse().ToList();
    }

    /// <summary>The PaymentIntents made for a customer (by <c>receipt_email</c>; each simulated customer has an address of its own), oldest first.</summary>
    public async Task<IReadOnlyList<(string Id, string Status)>> PaymentIntentsOfCustomerAsync(string email, CancellationToken cancellationToken)
    {
        var list = JsonNode.Parse(await _control.GetStringAsync(new Uri($"customers/{Uri.EscapeDataString(email)}/payment_intents", UriKind.Relative), cancellationToken))!.AsArray();
        return list.Select(i => ((string)i!["id"]!, (string)i["status"]!)).Reverse().ToList();
    }

    public async Task<string?> ReturnUrlAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _control.GetAsync(new Uri($"payment_intents/{id}/return_url", UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
    }

    /// <summary>The bank settles a processing payment: <c>succeeded</c>, or <c>requires_payment_method</c> (a failed debit).</summary>
    public Task<JsonNode?> SettleAsync(string id, string status, CancellationToken cancellationToken) =>
        PostAsync($"payment_intents/{id}/status/{status}", cancellationToken);

    public Task<JsonNode?> AuthenticateAsync(string id, bool succeed, CancellationToken cancellationToken) =>
        PostAsync($"payment_intents/{id}/authenticate/{(succeed ? "true" : "false")}", cancellationToken);

    /// <summary>A refund made in the Stripe Dashboard: the shop hears of it only by events (its caller sends them, in its own order).</summary>
    public async Task<JsonNode?> DashboardRefundAsync(string paymentIntentId, long? amount, CancellationToken cancellationToken)
    {
        var refund = await PostAsync($"payment_intents/{paymentIntentId}/dashboard_refund" + (amount is { } a ? $"?amount={a.ToString(CultureInfo.InvariantCulture)}" : ""), cancellationToken);
        if (refund is not null)
        {
            _announcedRefunds.TryAdd(refund.Str("id"), 0);
        }

        return refund;
    }

    /// <summary>
    /// Stripe sends <c>refund.created</c> and <c>charge.refunded</c> for every refund, the ones the shop makes
    /// through the API too: they settle a refund whose answer the shop lost (PostgreSQL restarting just after
    /// Stripe refunded), as on Stripe. Every <paramref name="every"/>, the refunds not announced yet are.
    /// </summary>
    public async Task AnnounceRefundsAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await AnnounceNewRefundsAsync(cancellationToken);
                await Task.Delay(every, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
            {
                counters.Add("refund announcements: control port unreachable");
            }
        }
    }

    public async Task AnnounceNewRefundsAsync(CancellationToken cancellationToken)
    {
        var ids = JsonNode.Parse(await _control.GetStringAsync(new Uri("refunds", UriKind.Relative), cancellationToken))!.AsArray();
        foreach (var id in ids.Select(i => i!.GetValue<string>()).Where(id => _announcedRefunds.TryAdd(id, 0)))
        {
            var refund = JsonNode.Parse(await _control.GetStringAsync(new Uri($"refunds/{id}", UriKind.Relative), cancellationToken))!;
            var charge = await ChargeAsync(refund.Str("charge"), cancellationToken);
            counters.Add("refund made through the API: its events sent");
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(100, 3000));
            Emit("refund.created", refund, delay, false, cancellationToken);
            Emit("charge.refunded", charge!, delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 500)), Random.Shared.Next(100) < 10, cancellationToken);
        }
    }

    public async Task<JsonNode?> ChargeAsync(string id, CancellationToken cancellationToken) =>
        JsonNode.Parse(await _control.GetStringAsync(new Uri($"charges/{id}", UriKind.Relative), cancellationToken));

    private async Task<JsonNode?> PostAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsync(new Uri(path, UriKind.Relative), null, cancellationToken);
        // 409: the object was not in a state for it (e.g. already refunded by an admin meanwhile).
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) : null;
    }

    /// <summary>
    /// An event about <paramref name="obj"/> as it is now, delivered after <paramref name="delay"/>;
    /// when <paramref name="twice"/>, the same event is delivered again a little later.
    /// </summary>
    public void Emit(string type, JsonNode obj, TimeSpan delay, bool twice, CancellationToken cancellationToken)
    {
        var payload = StripeEvents.Payload(StripeEvents.NewId("evt_soak_"), type, obj, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        counters.Add($"event {type}");
        // Callers jitter one event against another (±150 ms); a delay below zero means "now", never a lost event.
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        Track(DeliverAsync(payload, delay, cancellationToken));
        if (twice)
        {
            counters.Add("event delivered twice");
            Track(DeliverAsync(payload, delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 3000)), cancellationToken));
        }
    }

    /// <summary>Waits for the deliveries still under way (their retries included), at most <paramref name="limit"/>.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var all = Task.WhenAll(_deliveries.Keys);
        await Task.WhenAny(all, Task.Delay(limit));
    }

    private void Track(Task delivery)
    {
        _deliveries[delivery] = 0;
        _ = delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task DeliverAsync(string payload, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            // Stripe retries a failed delivery for days; here with waits of 2, 4, 8, 16, then 30 s: three and a half
            // minutes in all, past the shop's two-minute claim on an event whose handling failed.
            for (var attempt = 0; attempt < 10; attempt++)
            {
                // Signed when sent, as Stripe signs each attempt (the signature's age is checked).
                var headers = new Dictionary<string, string> { ["Stripe-Signature"] = StripeEvents.SignatureHeader(payload, webhookSecret) };
                try
                {
                    using var response = await shop.SendAsync(new Customer(), HttpMethod.Post, "/webhooks/stripe", "webhook", headers: headers, body: payload, cancellationToken: cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        counters.Add("webhook delivered");
                        return;
                    }

                    counters.Add($"webhook answered {(int)response.StatusCode}, retried");
                }
                catch (Exception ex) when (ex is HttpRequestException or SoakRequestException)
                {
                    counters.Add("webhook unreachable, retried");
                }

                await Task.Delay(TimeSpan.FromSeconds(Math.Min(2 << attempt, 30)), cancellationToken);
            }

            counters.Add("webhook given up");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The traffic stopped: Stripe would deliver later, the reconciler settles it meanwhile.
            counters.Add("webhook not delivered: the traffic stopped");
        }
        catch (Exception ex)
        {
            // A delivery the driver itself dropped would pass for an event the shop lost: count it, by name.
            counters.Add($"webhook not delivered: the driver failed ({ex.GetType().Name})");
        }
    }

    public void Dispose() => _control.Dispose();
}

internal static class Json
{
    public static string Str(this JsonNode node, string name) => node[name]?.GetValue<string>() ?? "";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
