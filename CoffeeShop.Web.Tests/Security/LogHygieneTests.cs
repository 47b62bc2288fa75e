using System.Collections.Concurrent;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;
using Serilog.Events;

namespace CoffeeShop.Web.Tests.Security;

public class LogHygieneTests(ShopFixture fixture) : ShopTest(fixture)
{
    private sealed class CapturedEvents : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

        public IEnumerable<string> Texts() => Events.Select(e => string.Join(" | ",
            new[] { e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), e.Exception?.ToString() ?? "" }
                .Concat(e.Properties.Select(p => $"{p.Key}={p.Value}"))));
    }

    [Fact]
    public async Task Log_OfOneHost_ReachesItsOwnSinksEvenAfterAnotherHostStartsInTheSameProcess()
    {
        var first = new CapturedEvents();
        var second = new CapturedEvents();
        await using var one = new ShopFactory(Stripe, services: s => s.AddSingleton<ILogEventSink>(first));
        await using var other = new ShopFactory(Stripe, services: s => s.AddSingleton<ILogEventSink>(second));
        _ = one.Services;
        _ = other.Services;

        one.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CoffeeShop.Test").LogWarning("Written by the first host");
        other.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CoffeeShop.Test").LogWarning("Written by the second host");

        Assert.Equal(["Written by the first host"], Rendered(first).Where(t => t.StartsWith("Written by", StringComparison.Ordinal)));
        Assert.Equal(["Written by the second host"], Rendered(second).Where(t => t.StartsWith("Written by", StringComparison.Ordinal)));

        static IEnumerable<string> Rendered(CapturedEvents captured) =>
            captured.Events.Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Logs_OfCheckoutWebhookAndAdminFlows_HoldNoSecretCardNumberCookieOrFullEmail()
    {
        var captured = new CapturedEvents();
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Warning",
        }, services: s => s.AddSingleton<ILogEventSink>(captured));

        // A customer: a decline, then a payment, then the 3-D Secure return URL with its client secret.
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", email: "ada.lovelace@example.com");
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect", email: "ada.lovelace@example.com");
        await using var db = Db();
        var record = db.PaymentRecords.OrderByDescending(p => p.Id).First();
        var order = db.Orders.Single(o => o.Id == record.OrderId);
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        var clientSecret = Stripe.FindPaymentIntent(record.PaymentIntentId!)!.ClientSecret;
        await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress,
            $"/Checkout/Return?order={order.PublicId}&payment_intent={record.PaymentIntentId}&payment_intent_client_secret={clientSecret}"));

        // Stripe: a good and a forged webhook.
        await shopper.Client.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!)));
        await shopper.Client.DeliverAsync("{\"id\":\"evt_forged\"}", "t=1,v1=deadbeef");

        // An admin: a failed and a good sign-in, then a refund.
        var stranger = shop.CreateBrowserClient();
        await AdminSession.SubmitSignInAsync(stranger, "admin@coffeeshop.test", "not-the-password-123");
        var admin = await AdminSession.SignInAsync(shop);
        var details = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        await admin.SubmitAsync(details.Form("#refund-form"));

        // And code that slips: the redaction must still hold.
        var logger = shop.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slip");
        logger.LogWarning("Key {Key} card {Card} header {Header} for {Email}", "sk_live_" + new string('x', 20), "4242 4242 4242 4242",
            "Cookie: coffeeshop_cart=abc", "ada.lovelace@example.com");
        logger.LogError(new InvalidOperationException("whsec_leakedsecret and pi_1_secret_2 and 4000000000000002"), "Failure");

        var texts = captured.Texts().ToList();
        Assert.True(texts.Count > 20, $"only {texts.Count} events captured: {string.Join("\n", texts)}");
        var cookies = shopper.Client.DefaultRequestHeaders.ToString();
        string[] forbidden =
        [
            FakeStripeApi.SecretKey, FakeStripeApi.WebhookSecret, "sk_live_xxxx", "whsec_leaked", "pi_1_secret_2", clientSecret,
            "ada.lovelace@example.com", "admin@coffeeshop.test", "4242 4242 4242 4242", "4000000000000002",
            AdminSession.Password, "not-the-password-123", "coffeeshop_cart=", "Bearer ",
        ];
        foreach (var secret in forbidden)
        {
            var leak = texts.FirstOrDefault(t => t.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"'{secret}' was logged: {leak}");
        }

        Assert.Contains(texts, t => t.Contains("a***@example.com", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("[redacted-secret]", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("[redacted-number]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Webhook_ThousandUnsigned_LogAHandfulOfLinesAndCountTheRest()
    {
        var captured = new CapturedEvents();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            // The production level: the request log writes every request at Information.
            ["Serilog:MinimumLevel:Default"] = "Information",
        }, services: s =>
        {
            s.AddSingleton<ILogEventSink>(captured);
            s.AddSingleton<TimeProvider>(clock);
        });
        var client = shop.CreateBrowserClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/health/live"))).StatusCode);
        captured.Events.Clear();

        for (var i = 0; i < 1000; i++)
        {
            var response = await client.DeliverAsync($"{{\"id\":\"evt_forged_{i}\",\"type\":\"payment_intent.succeeded\"}}", signature: i % 2 == 0 ? null : "t=1,v1=deadbeef");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        }

        var flood = captured.Events.ToList();
        Assert.True(flood.Count <= 3, $"{flood.Count} log events for 1,000 refused webhooks:{Environment.NewLine}{string.Join(Environment.NewLine, captured.Texts().Take(10))}");
        var first = Assert.Single(flood, e => e.MessageTemplate.Text.StartsWith("Stripe webhook rejected", StringComparison.Ordinal));
        Assert.Equal(0L, ((ScalarValue)first.Properties["Unlogged"]).Value);

        // A minute later the next refusal is logged again, with the count of those that were not.
        clock.Advance(TimeSpan.FromSeconds(61));
        captured.Events.Clear();
        await client.DeliverAsync("{\"id\":\"evt_forged_late\"}", null);

        var next = Assert.Single(captured.Events, e => e.MessageTemplate.Text.StartsWith("Stripe webhook rejected", StringComparison.Ordinal));
        Assert.Equal(999L, ((ScalarValue)next.Properties["Unlogged"]).Value);
        Assert.Contains("999 rejections since the last line not logged", next.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var db = Db();
        Assert.Empty(await db.StripeEvents.ToListAsync());
    }
}
