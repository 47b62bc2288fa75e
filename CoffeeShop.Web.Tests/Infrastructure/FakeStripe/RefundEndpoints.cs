namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary><c>/v1/refunds</c>: create (full or partial, by PaymentIntent or charge) and retrieve.</summary>
internal sealed class RefundEndpoints(FakeStripeLedger ledger)
{
    private static readonly string[] Expandable = ["charge", "payment_intent"];
    private static readonly string[] Reasons = ["duplicate", "fraudulent", "requested_by_customer"];

    public ApiResult Create(ApiRequest request)
    {
        var badAmount = RequestChecks.Amount(request, "amount", required: false, out var amount);
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand);
        if ((badAmount ?? badExpand ?? RequestChecks.OneOf(request, "reason", Reasons)) is { } invalid)
        {
            return invalid;
        }

        var outcome = ledger.Refund(request.Param("payment_intent"), request.Param("charge"), amount, request.Param("reason"), request.Hash("metadata"));
        return outcome.Error is { } error
            ? StripeErrors.FromLedger(request.RequestId, error, ledger)
            : Ok(request, outcome.Value!, expand);
    }

    public ApiResult Retrieve(ApiRequest request, string id)
    {
        if (RequestChecks.Expand(request, Expandable, out var expand) is { } invalid)
        {
            return invalid;
        }

        return ledger.FindRefund(id) is { } refund
            ? Ok(request, refund, expand)
            : StripeErrors.InvalidRequest(request.RequestId, 404, $"No such refund: '{id}'", "resource_missing", "id");
    }

    private ApiResult Ok(ApiRequest request, FakeRefund refund, IReadOnlyCollection<string> expand) =>
        new(200, StripeJson.Serialize(StripeJson.Refund(refund, ledger, expand)), Replayable: true, request.RequestId);
}
