using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// The JSON shapes of Stripe's API objects (API reference: PaymentIntent, Charge, PaymentMethod,
/// Refund, error, search result, Event), with the fields Stripe always sends, null ones included,
/// so Stripe.net deserializes exactly what it would from Stripe. Timestamps are unix seconds;
/// money is integer minor units.
/// </summary>
internal static class StripeJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Serialize(JsonNode node) => node.ToJsonString(Indented);

    /// <param name="expand">Expanded paths (<c>latest_charge</c>, <c>payment_method</c>): those come inline as objects instead of ids.</param>
    public static JsonObject PaymentIntent(FakePaymentIntent intent, FakeStripeLedger ledger, IReadOnlyCollection<string>? expand = null)
    {
        expand ??= [];
        return new JsonObject
        {
            ["id"] = intent.Id,
            ["object"] = "payment_intent",
            ["amount"] = intent.Amount,
            ["amount_capturable"] = 0,
            ["amount_received"] = intent.AmountReceived,
            ["application"] = null,
            ["application_fee_amount"] = null,
            ["automatic_payment_methods"] = intent.AutomaticPaymentMethods
                ? new JsonObject { ["allow_redirects"] = "always", ["enabled"] = true }
                : null,
            ["canceled_at"] = intent.CanceledAt?.ToUnixTimeSeconds(),
            ["cancellation_reason"] = intent.CancellationReason,
            ["capture_method"] = "automatic",
            ["client_secret"] = intent.ClientSecret,
            ["confirmation_method"] = "automatic",
            ["created"] = intent.Created.ToUnixTimeSeconds(),
            ["currency"] = intent.Currency,
            ["customer"] = null,
            ["description"] = intent.Description,
            ["last_payment_error"] = intent.LastPaymentError is { } error ? PaymentError(error, ledger) : null,
            ["latest_charge"] = Expandable(intent.LatestChargeId, expand.Contains("latest_charge"), id => ledger.FindCharge(id) is { } c ? Charge(c) : null),
            ["livemode"] = false,
            ["metadata"] = Metadata(intent.Metadata),
            ["next_action"] = intent.NextAction is { } action ? NextAction(action) : null,
            ["on_behalf_of"] = null,
            ["payment_method"] = Expandable(intent.PaymentMethodId, expand.Contains("payment_method"), id => ledger.FindPaymentMethod(id) is { } pm ? PaymentMethod(pm) : null),
            ["payment_method_configuration_details"] = null,
            ["payment_method_options"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["installments"] = null,
                    ["mandate_options"] = null,
                    ["network"] = null,
                    ["request_three_d_secure"] = "automatic",
                },
            },
            ["payment_method_types"] = new JsonArray("card"),
            ["processing"] = null,
            ["receipt_email"] = intent.ReceiptEmail,
            ["review"] = null,
            ["setup_future_usage"] = null,
            ["shipping"] = intent.Shipping is { } shipping ? Shipping(shipping) : null,
            ["source"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = intent.Status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
    }

    public static JsonObject Charge(FakeCharge charge)
    {
        var succeeded = charge.Status == "succeeded";
        var declined = charge.Status == "failed";
        return new JsonObject
        {
            ["id"] = charge.Id,
            ["object"] = "charge",
            ["amount"] = charge.Amount,
            ["amount_captured"] = succeeded ? charge.Amount : 0,
            ["amount_refunded"] = charge.AmountRefunded,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = null,
            ["billing_details"] = BillingDetails(),
            ["calculated_statement_descriptor"] = "COFFEESHOP",
            ["captured"] = succeeded,
            ["created"] = charge.Created.ToUnixTimeSeconds(),
            ["currency"] = charge.Currency,
            ["customer"] = null,
            ["description"] = charge.Description,
            ["disputed"] = false,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = charge.FailureCode,
            ["failure_message"] = charge.FailureMessage,
            ["fraud_details"] = new JsonObject(),
            ["livemode"] = false,
            ["metadata"] = Metadata(charge.Metadata ?? new Dictionary<string, string>()),
            ["on_behalf_of"] = null,
            ["outcome"] = new JsonObject
            {
                ["network_status"] = declined ? "declined_by_network" : "approved_by_network",
                ["reason"] = charge.DeclineCode,
                ["risk_level"] = "normal",
                ["risk_score"] = 20,
                ["seller_message"] = declined ? "The bank did not return any further details with this decline." : "Payment complete.",
                ["type"] = declined ? "issuer_declined" : "authorized",
            },
            ["paid"] = succeeded,
            ["payment_intent"] = charge.PaymentIntentId,
            ["payment_method"] = charge.PaymentMethodId,
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["amount_authorized"] = succeeded ? charge.Amount : null,
                    ["brand"] = charge.Card.Brand,
                    ["checks"] = CardChecks(),
                    ["country"] = charge.Card.Country,
                    ["exp_month"] = charge.Card.ExpMonth,
                    ["exp_year"] = charge.Card.ExpYear,
                    ["funding"] = charge.Card.Funding,
                    ["last4"] = charge.Card.Last4,
                    ["network"] = charge.Card.Brand,
                    ["three_d_secure"] = null,
                    ["wallet"] = null,
                },
                ["type"] = "card",
            },
            ["receipt_email"] = charge.ReceiptEmail,
            ["receipt_url"] = null,
            ["refunded"] = charge.AmountRefunded == charge.Amount && charge.Amount > 0,
            ["review"] = null,
            ["shipping"] = null,
            ["source"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = charge.Status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
    }

    public static JsonObject PaymentMethod(FakePaymentMethod paymentMethod) => new()
    {
        ["id"] = paymentMethod.Id,
        ["object"] = "payment_method",
        ["allow_redisplay"] = "unspecified",
        ["billing_details"] = BillingDetails(),
        ["card"] = new JsonObject
        {
            ["brand"] = paymentMethod.Card.Brand,
            ["checks"] = CardChecks(),
            ["country"] = paymentMethod.Card.Country,
            ["display_brand"] = paymentMethod.Card.Brand,
            ["exp_month"] = paymentMethod.Card.ExpMonth,
            ["exp_year"] = paymentMethod.Card.ExpYear,
            ["funding"] = paymentMethod.Card.Funding,
            ["generated_from"] = null,
            ["last4"] = paymentMethod.Card.Last4,
            ["networks"] = new JsonObject { ["available"] = new JsonArray(paymentMethod.Card.Brand), ["preferred"] = null },
            ["three_d_secure_usage"] = new JsonObject { ["supported"] = true },
            ["wallet"] = null,
        },
        ["created"] = paymentMethod.Created.ToUnixTimeSeconds(),
        ["customer"] = null,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["type"] = "card",
    };

    public static JsonObject Refund(FakeRefund refund, FakeStripeLedger ledger, IReadOnlyCollection<string>? expand = null)
    {
        expand ??= [];
        return new JsonObject
        {
            ["id"] = refund.Id,
            ["object"] = "refund",
            ["amount"] = refund.Amount,
            ["balance_transaction"] = null,
            ["charge"] = Expandable(refund.ChargeId, expand.Contains("charge"), id => ledger.FindCharge(id) is { } c ? Charge(c) : null),
            ["created"] = refund.Created.ToUnixTimeSeconds(),
            ["currency"] = refund.Currency,
            ["destination_details"] = new JsonObject
            {
                ["card"] = new JsonObject { ["reference_status"] = "pending", ["reference_type"] = "acquirer_reference_number", ["type"] = "refund" },
                ["type"] = "card",
            },
            ["metadata"] = Metadata(refund.Metadata),
            ["payment_intent"] = Expandable(refund.PaymentIntentId, expand.Contains("payment_intent"),
                id => ledger.FindIntent(id) is { } pi ? PaymentIntent(pi, ledger) : null),
            ["reason"] = refund.Reason,
            ["receipt_number"] = null,
            ["source_transfer_reversal"] = null,
            ["status"] = refund.Status,
            ["transfer_reversal"] = null,
        };
    }

    /// <summary>A page of a list endpoint (<c>GET /v1/payment_intents</c>, <c>GET /v1/refunds</c>): newest first, <c>has_more</c> when older objects follow; the cursor is the ids in <c>data</c>.</summary>
    public static JsonObject List(IEnumerable<JsonNode> data, string url, bool hasMore) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(data.ToArray()),
        ["has_more"] = hasMore,
        ["url"] = url,
    };

    public static JsonObject SearchResult(IEnumerable<JsonNode> data, string url, bool hasMore, string? nextPage) => new()
    {
        ["object"] = "search_result",
        ["data"] = new JsonArray(data.ToArray()),
        ["has_more"] = hasMore,
        ["next_page"] = nextPage,
        ["url"] = url,
    };

    /// <summary>
    /// Stripe's error body: <c>{"error":{...}}</c>. Card errors also carry the charge, the
    /// PaymentMethod and the PaymentIntent Stripe created anyway.
    /// </summary>
    public static JsonObject Error(
        string requestId,
        DateTimeOffset now,
        string type,
        string message,
        string? code = null,
        string? param = null,
        string? declineCode = null,
        string? chargeId = null,
        JsonObject? paymentIntent = null,
        JsonObject? paymentMethod = null)
    {
        var error = new JsonObject();
        if (chargeId is not null)
        {
            error["charge"] = chargeId;
        }

        if (code is not null)
        {
            error["code"] = code;
        }

        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }

        if (code is not null)
        {
            error["doc_url"] = DocUrl(code);
        }

        error["message"] = message;
        if (param is not null)
        {
            error["param"] = param;
        }

        if (paymentIntent is not null)
        {
            error["payment_intent"] = paymentIntent;
        }

        if (paymentMethod is not null)
        {
            error["payment_method"] = paymentMethod;
            error["payment_method_type"] = "card";
        }

        error["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}?t={now.ToUnixTimeSeconds()}";
        error["type"] = type;
        return new JsonObject { ["error"] = error };
    }

    /// <summary>An Event as Stripe posts it to a webhook endpoint; the object is embedded as given.</summary>
    public static string Event(string id, string type, string objectJson, string apiVersion, long created) => Serialize(new JsonObject
    {
        ["id"] = id,
        ["object"] = "event",
        ["api_version"] = apiVersion,
        ["created"] = created,
        ["data"] = new JsonObject { ["object"] = JsonNode.Parse(objectJson) },
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
    });

    private static JsonObject PaymentError(FakePaymentError error, FakeStripeLedger ledger)
    {
        var json = new JsonObject();
        if (error.ChargeId is not null)
        {
            json["charge"] = error.ChargeId;
        }

        json["code"] = error.Code;
        if (error.DeclineCode is not null)
        {
            json["decline_code"] = error.DeclineCode;
        }

        json["doc_url"] = DocUrl(error.Code);
        json["message"] = error.Message;
        if (error.PaymentMethodId is not null && ledger.FindPaymentMethod(error.PaymentMethodId) is { } paymentMethod)
        {
            json["payment_method"] = PaymentMethod(paymentMethod);
            json["payment_method_type"] = "card";
        }

        json["type"] = error.Type;
        return json;
    }

    private static JsonObject NextAction(FakeNextAction action) => action.Type == "redirect_to_url"
        ? new JsonObject
        {
            ["redirect_to_url"] = new JsonObject { ["return_url"] = action.ReturnUrl, ["url"] = action.Url.ToString() },
            ["type"] = "redirect_to_url",
        }
        : new JsonObject
        {
            ["type"] = "use_stripe_sdk",
            // Opaque to servers on Stripe (only Stripe.js reads it); here it points at the fake bank page.
            ["use_stripe_sdk"] = new JsonObject
            {
                ["source"] = "src_fake_3ds2",
                ["stripe_js"] = action.Url.ToString(),
                ["type"] = "three_d_secure_redirect",
            },
        };

    /// <summary>An expandable field: the id, or the object itself when the request asked to expand it.</summary>
    private static JsonNode? Expandable(string? id, bool expanded, Func<string, JsonObject?> load) =>
        id is null ? null : (expanded ? load(id) : null) ?? (JsonNode)JsonValue.Create(id);

    private static JsonObject Metadata(IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>The <c>shipping</c> hash of a PaymentIntent: address (every part, null when not given), name, phone, carrier, tracking number.</summary>
    private static JsonObject Shipping(FakeShipping shipping) => new()
    {
        ["address"] = new JsonObject
        {
            ["city"] = shipping.City,
            ["country"] = shipping.Country,
            ["line1"] = shipping.Line1,
            ["line2"] = shipping.Line2,
            ["postal_code"] = shipping.PostalCode,
            ["state"] = shipping.State,
        },
        ["carrier"] = shipping.Carrier,
        ["name"] = shipping.Name,
        ["phone"] = shipping.Phone,
        ["tracking_number"] = shipping.TrackingNumber,
    };

    private static JsonObject BillingDetails() => new()
    {
        ["address"] = new JsonObject
        {
            ["city"] = null,
            ["country"] = null,
            ["line1"] = null,
            ["line2"] = null,
            ["postal_code"] = null,
            ["state"] = null,
        },
        ["email"] = null,
        ["name"] = null,
        ["phone"] = null,
    };

    private static JsonObject CardChecks() => new()
    {
        ["address_line1_check"] = null,
        ["address_postal_code_check"] = null,
        ["cvc_check"] = "pass",
    };

    private static string DocUrl(string code) => $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
}
