using System.Collections.Concurrent;
using System.Globalization;
using CoffeeShop.Web.Infrastructure;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>
/// The redaction every log line passes (<see cref="LogRedaction"/>): a corpus of realistic text in both
/// directions (what must be hidden, what must stay readable), then values of every shape that reach a sink.
/// </summary>
public class LogRedactionTests
{
    /// <summary>Text that must come out changed, and exactly how.</summary>
    public static readonly TheoryData<string, string> Redacted = new()
    {
        // Card numbers that pass the Luhn check: Stripe's test cards, every brand and length, grouped or not.
        { "4242424242424242", "[redacted-number]" },
        { "4242 4242 4242 4242", "[redacted-number]" },
        { "4242-4242-4242-4242", "[redacted-number]" },
        { "card 4000002760003184 declined", "card [redacted-number] declined" },
        { "Visa 4000000000009995 (insufficient funds)", "Visa [redacted-number] (insufficient funds)" },
        { "amex 378282246310005", "amex [redacted-number]" },
        { "amex 3782 822463 10005", "amex [redacted-number]" },
        { "diners 36227206271667", "diners [redacted-number]" },
        { "diners 3056 930902 5904", "diners [redacted-number]" },
        { "discover 6011 1111 1111 1117", "discover [redacted-number]" },
        { "unionpay 6205500000000000004", "unionpay [redacted-number]" },
        { "unionpay 6205 5000 0000 0000 004", "unionpay [redacted-number]" },
        { "jcb 3566002020360505", "jcb [redacted-number]" },
        { "mastercard 5555 5555 5555 4444", "mastercard [redacted-number]" },
        { "mastercard 2223003122003222", "mastercard [redacted-number]" },
        { "old visa 4222222222222", "old visa [redacted-number]" },
        { "{\"number\":\"4242424242424242\",\"exp_month\":12}", "{\"number\":\"[redacted-number]\",\"exp_month\":12}" },
        { "/pay?card=4111111111111111&cvc=123", "/pay?card=[redacted-number]&cvc=123" },
        { "cards: 4242424242424242, 5105105105105100.", "cards: [redacted-number], [redacted-number]." },
        // A number in front of the card cannot hide it; the card is found group by group.
        { "qty 2 4242 4242 4242 4242", "qty 2 [redacted-number]" },
        { "1733145600000 4242424242424242", "1733145600000 [redacted-number]" },
        // Digits of another script are digits too.
        { "カード ４２４２４２４２４２４２４２４２", "カード [redacted-number]" },

        // Emails, in any script: the first character and the domain stay.
        { "ada.lovelace@example.com", "a***@example.com" },
        { "Receipt to ada+orders@example.co.uk sent", "Receipt to a***@example.co.uk sent" },
        { "ADA@EXAMPLE.COM", "A***@EXAMPLE.COM" },
        { "Ada Lovelace <ada@example.com>", "Ada Lovelace <a***@example.com>" },
        { "mailto:ada@example.com", "mailto:a***@example.com" },
        { "customer_email=ada@example.com&page=2", "customer_email=a***@example.com&page=2" },
        { "\"ada@example.com\"", "\"a***@example.com\"" },
        { "_ada@example.com", "_***@example.com" },
        { "jöhn.dœ@exämple.com", "j***@exämple.com" },
        { "jo\u0308hn@example.com", "j***@example.com" },
        { "用户@例子.广告", "用***@例子.广告" },
        { "почта@пример.рф", "п***@пример.рф" },
        { "δοκιμή@παράδειγμα.δοκιμή", "δ***@παράδειγμα.δοκιμή" },
        { "उपयोगकर्ता@उदाहरण.कॉम", "उ***@उदाहरण.कॉम" },
        { "ada＠example.com", "a***@example.com" },
        { "to: ada@example.com, grace@example.org", "to: a***@example.com, g***@example.org" },

        // Secrets and headers.
        { "key sk_live_51HxAbCdEf", "key [redacted-secret]" },
        { "rk_test_51HxAbCdEf and whsec_abc123", "[redacted-secret] and [redacted-secret]" },
        { "client secret pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH", "client secret [redacted-secret]" },
        { "Authorization: Bearer sk_test_abc", "Authorization: [redacted]" },
        { "cookie=coffeeshop_cart=3f2504e04f8911d39a0c0305e82c3301", "cookie: [redacted]" },
        { "Set-Cookie: .AspNetCore.Identity.Application=CfDJ8", "Set-Cookie: [redacted]" },
    };

    /// <summary>Text that must come out exactly as it went in: nothing in it is a card, an email or a secret.</summary>
    public static readonly TheoryData<string> Kept = new()
    {
        // Long numbers that fail the Luhn check: timestamps, ids, amounts.
        "1733145600000",
        "created 1733145600001 ms",
        "1701388800000",
        "between 1764633600000 and 1735689600000",
        "order 1234567890123",
        "17331456000001234",
        "Elapsed 1733145645123.4567 ms",
        "4242 4242 4242 4241",
        "4242424242424240",
        "1234 5678 9012 3456",
        "9876543210987654",
        "6200000000000000005",
        "12345678901234567",
        "20261202163038",
        // Runs too short or too long to be a card, or not runs of their own.
        "1733145600",
        "1733145600 1733145601",
        "00340434161094042557",
        "tracking 1Z999AA10123456784",
        "+49 30 1234567",
        "2026-12-02 16:30:38",
        "evt_1733145600000",
        "ch_1234567890123456",
        "order_4242424242424242",
        "x4242424242424242",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        // Stripe ids and shop references.
        "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "cus_NffrFeUfNV2Hib",
        "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "re_3MtwBwLkdIwHu7ix0mCDuRmU",
        "pm_card_visa",
        "ctoken_pm_card_chargeDeclinedExpiredCard",
        "CS-000123",
        "INV-000042 and CN-000004",
        "amount 4242 EUR, 2 bags",
        // Things with an at sign that are no address.
        "@coffeeshop",
        "ada@",
        "ada @ example.com",
        "package@1.2.3",
        "3 bags @ 12.50",
        // Plain log text, in several scripts.
        "HTTP POST /webhooks/stripe responded 400 in 1.2345 ms",
        "Stripe webhook rejected: No signatures found matching the expected signature for payload",
        "Authorization failed for the Admin policy",
        "Röstereistraße 1, 10115 Berlin",
        "注文が確定しました",
        "",
    };

    [Theory]
    [MemberData(nameof(Redacted))]
    public void Redact_SensitiveText_IsHidden(string input, string expected) =>
        Assert.Equal(expected, LogRedaction.Redact(input));

    [Theory]
    [MemberData(nameof(Kept))]
    public void Redact_OrdinaryText_IsKept(string input) =>
        Assert.Equal(input, LogRedaction.Redact(input));

    private sealed class Captured : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }

    private sealed class Customer(string email)
    {
        public override string ToString() => $"Customer {email}";
    }

    /// <summary>Logs through the redacting sink and answers each event as the production JSON formatter writes it.</summary>
    private static List<(LogEvent Event, string Json)> Log(Action<Serilog.ILogger> write)
    {
        var captured = new Captured();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new LogRedaction.Sink(captured)).CreateLogger())
        {
            write(logger);
        }

        var formatter = new RenderedCompactJsonFormatter();
        return captured.Events.Select(e =>
        {
            using var json = new StringWriter(CultureInfo.InvariantCulture);
            formatter.Format(e, json);
            return (e, json.ToString());
        }).ToList();
    }

    private static readonly string[] Secrets =
    [
        "ada@example.com", "jöhn.dœ@exämple.com", "用户@例子.广告", "4242424242424242", "4242 4242 4242 4242", "4000000000000002",
        "coffeeshop_cart=abc", "sk_live_abc",
    ];

    private static void AssertNoSecret(string json)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Sink_ValuesThatAreNotStrings_AreRedactedAsTheyWouldBeWritten()
    {
        var events = Log(log =>
        {
            log.Information("Card {Card}", 4242424242424242L);
            log.Information("Card {Card}", 4000000000000002m);
            log.Information("Link {Link}", new Uri("mailto:ada@example.com"));
            log.Information("Who {Who}", new Customer("用户@例子.广告"));
            log.Information("Order {@Order}", new
            {
                Email = "jöhn.dœ@exämple.com",
                Card = 4242424242424242L,
                Lines = new object[] { "ada@example.com", 4000000000000002L, new { Contact = new Uri("mailto:ada@example.com") } },
                Headers = new Dictionary<string, string> { ["Cookie"] = "coffeeshop_cart=abc", ["Accept"] = "text/html" },
                Authorization = "Bearer sk_live_abc",
            });
            log.Information("Counts {Counts}", new Dictionary<string, int> { ["ada@example.com"] = 2 });
            log.Information("Emails {Emails}", new List<string> { "ada@example.com", "用户@例子.广告" });
        });

        Assert.Equal(7, events.Count);
        foreach (var (_, json) in events)
        {
            AssertNoSecret(json);
        }

        Assert.Equal("[redacted-number]", ((ScalarValue)events[0].Event.Properties["Card"]).Value);
        Assert.Equal("[redacted-number]", ((ScalarValue)events[1].Event.Properties["Card"]).Value);
        Assert.Equal("mailto:a***@example.com", ((ScalarValue)events[2].Event.Properties["Link"]).Value);
        Assert.Contains("用***@例子.广告", events[3].Json, StringComparison.Ordinal);
        var order = (StructureValue)events[4].Event.Properties["Order"];
        Assert.Equal("j***@exämple.com", ((ScalarValue)order.Properties.Single(p => p.Name == "Email").Value).Value);
        Assert.Equal("[redacted]", ((ScalarValue)order.Properties.Single(p => p.Name == "Authorization").Value).Value);
        var headers = (DictionaryValue)order.Properties.Single(p => p.Name == "Headers").Value;
        Assert.Equal("[redacted]", ((ScalarValue)headers.Elements.Single(e => Equals(e.Key.Value, "Cookie")).Value).Value);
        Assert.Equal("text/html", ((ScalarValue)headers.Elements.Single(e => Equals(e.Key.Value, "Accept")).Value).Value);
        Assert.Contains("a***@example.com", events[5].Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_NumbersThatAreNoCard_KeepTheirValueAndType()
    {
        var events = Log(log => log.Information("At {At} order {OrderId} amount {Amount}", 1733145600000L, 1234567890123L, 4242L));

        var properties = Assert.Single(events).Event.Properties;
        Assert.Equal(1733145600000L, ((ScalarValue)properties["At"]).Value);
        Assert.Equal(1234567890123L, ((ScalarValue)properties["OrderId"]).Value);
        Assert.Equal(4242L, ((ScalarValue)properties["Amount"]).Value);
    }

    [Fact]
    public void Sink_TemplateTextWithAnEmailOrCard_IsRedactedAndStillRenders()
    {
        var email = "ada@example.com";
        var card = "4242 4242 4242 4242";
        var events = Log(log =>
        {
            // Code that writes values into the template itself (interpolation, a literal) must still not leak them.
            log.Information($"Paid by {email} with {card} for " + "{OrderId}", "CS-000001");
            log.Information("Literal {{braces}} and jöhn.dœ@exämple.com, 1733145600000, {Count} bags", 2);
            log.Information("Customer 用户@例子.广告 paid 4000000000000002");
        });

        Assert.Equal(3, events.Count);
        foreach (var (logEvent, json) in events)
        {
            AssertNoSecret(json);
            AssertNoSecret(logEvent.MessageTemplate.Text);
        }

        Assert.Equal("Paid by a***@example.com with [redacted-number] for \"CS-000001\"", events[0].Event.RenderMessage(CultureInfo.InvariantCulture));
        Assert.Equal("Literal {braces} and j***@exämple.com, 1733145600000, 2 bags", events[1].Event.RenderMessage(CultureInfo.InvariantCulture));
        Assert.Equal("Customer 用***@例子.广告 paid [redacted-number]", events[2].Event.RenderMessage(CultureInfo.InvariantCulture));
        // The template is still a template: its property is a property, not text.
        Assert.Contains(events[0].Event.MessageTemplate.Tokens, t => t is Serilog.Parsing.PropertyToken { PropertyName: "OrderId" });
    }

    [Fact]
    public void Sink_TemplateWithNothingToHide_IsPassedOnAsItIs()
    {
        var events = Log(log => log.Information("HTTP {RequestMethod} {RequestPath} responded {StatusCode}", "POST", "/webhooks/stripe", 400));

        var template = Assert.Single(events).Event.MessageTemplate;
        Assert.Equal("HTTP {RequestMethod} {RequestPath} responded {StatusCode}", template.Text);
    }
}
