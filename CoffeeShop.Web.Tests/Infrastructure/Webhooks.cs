using System.Net.Http.Headers;
using System.Text;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>Delivers webhook payloads the way Stripe does: raw JSON with a Stripe-Signature header.</summary>
public static class Webhooks
{
    public static Task<HttpResponseMessage> DeliverAsync(this HttpClient client, (string Payload, string SignatureHeader) delivery) =>
        client.DeliverAsync(delivery.Payload, delivery.SignatureHeader);

    public static Task<HttpResponseMessage> DeliverAsync(this HttpClient client, string payload, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ShopFactory.BaseAddress, "/webhooks/stripe"))
        {
            Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return client.SendAsync(request);
    }
}
