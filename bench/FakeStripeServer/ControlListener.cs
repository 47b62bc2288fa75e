using System.Globalization;
using System.Net;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoffeeShop.Bench.FakeStripeServer;

/// <summary>
/// bench/soak's handle on the fake, on a port of its own (FAKE_STRIPE_CONTROL) so that no outage of
/// the API reaches it: switch outages and latency, play the world outside the API (a processing payment
/// settles or fails, a customer finishes or abandons 3-D Secure, a refund made in the Dashboard), hand
/// out objects as Stripe would put them in events, and give the ledger (every PaymentIntent and refund)
/// for the soak's final comparison with the shop's database.
/// </summary>
internal static class ControlListener
{
    public static async Task<WebApplication> StartAsync(FakeStripeApi fake, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        app.MapPost("/outage/{kind}", (string kind) =>
        {
            fake.Outage = kind switch
            {
                "none" => StripeOutage.None,
                "errors" => StripeOutage.Errors,
                "hangs" => StripeOutage.Hangs,
                "drops" => StripeOutage.Drops,
                _ => throw new BadHttpRequestException($"unknown outage '{kind}'"),
            };
            Console.WriteLine($"outage {kind}");
            return Results.Text("ok\n");
        });
        app.MapPost("/latency/{ms:int}", (int ms) =>
        {
            fake.Latency = TimeSpan.FromMilliseconds(ms);
            Console.WriteLine($"latency {ms} ms");
            return Results.Text("ok\n");
        });

        // The world outside the API.
        app.MapPost("/payment_intents/{id}/status/{status}", (string id, string status) => Json(() => fake.PaymentIntentJson(SetStatus(fake, id, status))));
        app.MapPost("/payment_intents/{id}/authenticate/{succeed:bool}", (string id, bool succeed) => Json(() => fake.PaymentIntentJson(fake.CompleteAuthentication(id, succeed).Id)));
        app.MapPost("/payment_intents/{id}/dashboard_refund", (string id, long? amount) => Json(() => fake.RefundJson(fake.RefundDirectly(id, amount).Id)));

        // Objects as events carry them.
        app.MapGet("/payment_intents/{id}", (string id) => Json(() => fake.PaymentIntentJson(id)));
        app.MapGet("/charges/{id}", (string id) => Json(() => fake.ChargeJson(id)));
        app.MapGet("/refunds/{id}", (string id) => Json(() => fake.RefundJson(id)));
        app.MapGet("/payment_intents/{id}/return_url", (string id) => fake.FindPaymentIntent(id)?.ReturnUrl is { } url ? Results.Text(url) : Results.NotFound());
        app.MapGet("/orders/{orderId}/payment_intents", (string orderId) => Results.Json(fake.PaymentIntents
            .Where(i => i.Metadata.GetValueOrDefault("order_id") == orderId)
            .Select(i => new { id = i.Id, status = i.Status })));
        app.MapGet("/customers/{email}/payment_intents", (string email) => Results.Json(fake.PaymentIntents
            .Where(i => i.ReceiptEmail == email)
            .Select(i => new { id = i.Id, status = i.Status })));
        app.MapGet("/payment_intents/{id}/latest_charge", (string id) => fake.LatestChargeId(id) is { } charge ? Results.Text(charge) : Results.NotFound());

        app.MapGet("/refunds", () => Results.Json(fake.Refunds.Select(r => r.Id)));
        app.MapGet("/ledger", () => Results.Json(new
        {
            payment_intents = fake.PaymentIntents.Select(i => new
            {
                id = i.Id,
                amount = i.Amount,
                currency = i.Currency,
                status = i.Status,
                order_id = i.Metadata.GetValueOrDefault("order_id"),
                amount_received = i.AmountReceived,
                amount_refunded = i.AmountRefunded,
            }),
            refunds = fake.Refunds.Select(r => new { id = r.Id, amount = r.Amount, payment_intent = r.PaymentIntentId, status = r.Status }),
            requests = fake.Requests.Count,
        }));

        await app.StartAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"control on http://127.0.0.1:{port}/"));
        return app;
    }

    private static IResult Json(Func<string> make)
    {
        try
        {
            return Results.Text(make(), "application/json");
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return Results.Text(ex.Message, statusCode: 409);
        }
    }

    private static string SetStatus(FakeStripeApi fake, string id, string status)
    {
        fake.SetPaymentIntentStatus(id, status);
        return id;
    }
}
