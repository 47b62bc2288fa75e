namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Stripe's URL table for the resources the shop uses; anything else is Stripe's "Unrecognized request URL".</summary>
internal sealed class FakeStripeRoutes(FakeStripeLedger ledger)
{
    private readonly PaymentIntentEndpoints _paymentIntents = new(ledger);
    private readonly RefundEndpoints _refunds = new(ledger);
    private readonly ChargeEndpoints _charges = new(ledger);

    public ApiResult Dispatch(ApiRequest request) =>
        (request.Method, request.Path.Trim('/').Split('/')) switch
        {
            ("POST", ["v1", "payment_intents"]) => _paymentIntents.Create(request),
            ("GET", ["v1", "payment_intents"]) => _paymentIntents.List(request),
            ("GET", ["v1", "payment_intents", "search"]) => _paymentIntents.Search(request),
            ("GET", ["v1", "payment_intents", var id]) => _paymentIntents.Retrieve(request, id),
            ("POST", ["v1", "payment_intents", var id, "confirm"]) => _paymentIntents.Confirm(request, id),
            ("POST", ["v1", "payment_intents", var id, "cancel"]) => _paymentIntents.Cancel(request, id),
            ("POST", ["v1", "refunds"]) => _refunds.Create(request),
            ("GET", ["v1", "refunds"]) => _refunds.List(request),
            ("GET", ["v1", "refunds", var id]) => _refunds.Retrieve(request, id),
            ("GET", ["v1", "charges", var id]) => _charges.Retrieve(request, id),
            _ => StripeErrors.UnrecognizedUrl(request),
        };
}
