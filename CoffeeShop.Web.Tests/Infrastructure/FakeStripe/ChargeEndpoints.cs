namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary><c>GET /v1/charges/{id}</c>: webhook handlers fetch charges named by refund and dispute events.</summary>
internal sealed class ChargeEndpoints(FakeStripeLedger ledger)
{
    public ApiResult Retrieve(ApiRequest request, string id)
    {
        if (RequestChecks.Expand(request, [], out _) is { } invalid)
        {
            return invalid;
        }

        return ledger.FindCharge(id) is { } charge
            ? new ApiResult(200, StripeJson.Serialize(StripeJson.Charge(charge)), Replayable: true, request.RequestId)
            : StripeErrors.InvalidRequest(request.RequestId, 404, $"No such charge: '{id}'", "resource_missing", "id");
    }
}
