using System.Text.Json.Nodes;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary><c>/v1/refunds</c>: create (full or partial, by PaymentIntent or charge), retrieve, and list (by PaymentIntent or charge, paged).</summary>
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

    /// <summary>
    /// Stripe's list: newest first, optionally only one PaymentIntent's or charge's refunds, <c>limit</c>
    /// per page, and the cursors <c>starting_after</c> (older than that refund) or <c>ending_before</c> (newer).
    /// </summary>
    public ApiResult List(ApiRequest request)
    {
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand, prefix: "data.");
        var badLimit = RequestChecks.Limit(request, out var limit);
        if ((badExpand ?? badLimit) is { } invalid)
        {
            return invalid;
        }

        var paymentIntentId = request.Param("payment_intent");
        if (paymentIntentId is not null && ledger.FindIntent(paymentIntentId) is null)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 404, $"No such payment_intent: '{paymentIntentId}'", "resource_missing", "payment_intent");
        }

        var chargeId = request.Param("charge");
        var newestFirst = ledger.Refunds.Reverse()
            .Where(r => (paymentIntentId is null || r.PaymentIntentId == paymentIntentId) && (chargeId is null || r.ChargeId == chargeId))
            .ToList();
        var startingAfter = request.Param("starting_after");
        var endingBefore = request.Param("ending_before");
        foreach (var (param, cursor) in new[] { ("starting_after", startingAfter), ("ending_before", endingBefore) })
        {
            if (cursor is not null && ledger.FindRefund(cursor) is null)
            {
                return StripeErrors.InvalidRequest(request.RequestId, 400, $"No such refund: '{cursor}'", "resource_missing", param);
            }
        }

        List<FakeRefund> page;
        bool hasMore;
        if (endingBefore is not null)
        {
            var newer = newestFirst.TakeWhile(r => r.Id != endingBefore).ToList();
            page = newer.TakeLast(limit).ToList();
            hasMore = newer.Count > page.Count;
        }
        else
        {
            var older = startingAfter is null ? newestFirst : newestFirst.SkipWhile(r => r.Id != startingAfter).Skip(1).ToList();
            page = older.Take(limit).ToList();
            hasMore = older.Count > page.Count;
        }

        var body = StripeJson.List(page.Select(r => (JsonNode)StripeJson.Refund(r, ledger, expand)), "/v1/refunds", hasMore);
        return new ApiResult(200, StripeJson.Serialize(body), Replayable: true, request.RequestId);
    }

    private ApiResult Ok(ApiRequest request, FakeRefund refund, IReadOnlyCollection<string> expand) =>
        new(200, StripeJson.Serialize(StripeJson.Refund(refund, ledger, expand)), Replayable: true, request.RequestId);
}
