using System.Text.Json.Nodes;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>
/// Webhook events as Stripe builds and signs them: the object as it was when the event happened, inside an
/// Event of Stripe.net's API version (the shop trusts the object only then), and a <c>Stripe-Signature</c>
/// header (<c>t=…,v1=</c> HMAC-SHA256 of "t.payload" with the endpoint's secret) made when each attempt is sent.
/// </summary>
internal static class StripeEvents
{
    public static string Payload(string id, string type, JsonNode obj, long created) => new JsonObject
    {
        ["id"] = id,
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = created,
        ["data"] = new JsonObject { ["object"] = obj.DeepClone() },
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
    }.ToJsonString();

    /// <summary>A new event id of Stripe's shape, <paramref name="prefix"/> telling whose it is.</summary>
    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..24];

    public static string SignatureHeader(string payload, string webhookSecret) =>
        Stripe.EventUtility.GenerateSignatureHeader(payload, webhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
