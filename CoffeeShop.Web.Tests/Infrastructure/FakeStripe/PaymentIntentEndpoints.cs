using System.Globalization;
using System.Text.Json.Nodes;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// <c>/v1/payment_intents</c>: create (and confirm), retrieve, confirm, cancel, search. Parameters
/// are validated here; state changes happen atomically in the ledger.
/// </summary>
internal sealed class PaymentIntentEndpoints(FakeStripeLedger ledger)
{
    private const string SearchUrl = "/v1/payment_intents/search";
    private const string PagePrefix = "fakepage_";

    private static readonly string[] Expandable = ["latest_charge", "payment_method"];
    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    public ApiResult Create(ApiRequest request)
    {
        // Every check runs (their out values must be assigned); the first problem is the answer, as on Stripe.
        var badAmount = RequestChecks.Amount(request, "amount", required: true, out var amount);
        var badCurrency = CheckCurrency(request, out var currency);
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand);
        if ((badAmount ?? badCurrency ?? badExpand) is { } invalid)
        {
            return invalid;
        }

        TestPaymentMethod? method = null;
        string? token = null;
        if (request.Flag("confirm"))
        {
            var refused = ResolvePaymentMethod(request, previousToken: null, out method, out token);
            if (refused is not null)
            {
                return refused;
            }
        }

        var intent = ledger.Create(
            new PaymentIntentDraft(
                amount!.Value,
                currency!,
                request.Hash("metadata"),
                request.Param("description"),
                request.Param("receipt_email"),
                request.Param("return_url"),
                request.Flag("automatic_payment_methods[enabled]")),
            method,
            token);
        return method is null ? Ok(request, intent, expand) : Confirmed(request, intent, expand);
    }

    public ApiResult Retrieve(ApiRequest request, string id)
    {
        var invalid = RequestChecks.Expand(request, Expandable, out var expand);
        if (invalid is not null)
        {
            return invalid;
        }

        return ledger.FindIntent(id) is { } intent
            ? Ok(request, intent, expand)
            : StripeErrors.InvalidRequest(request.RequestId, 404, $"No such payment_intent: '{id}'", "resource_missing", "intent");
    }

    public ApiResult Confirm(ApiRequest request, string id)
    {
        var invalid = RequestChecks.Expand(request, Expandable, out var expand);
        if (invalid is not null)
        {
            return invalid;
        }

        // Confirming again without a new method re-uses the attached one, as Stripe does.
        var refused = ResolvePaymentMethod(request, ledger.FindIntent(id)?.ConfirmationToken, out var method, out var token);
        if (refused is not null)
        {
            return refused;
        }

        var outcome = ledger.Confirm(id, method!, token!, request.Param("return_url"));
        return outcome.Error is { } error
            ? StripeErrors.FromLedger(request.RequestId, error, ledger)
            : Confirmed(request, outcome.Value!, expand);
    }

    public ApiResult Cancel(ApiRequest request, string id)
    {
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand);
        if ((badExpand ?? RequestChecks.OneOf(request, "cancellation_reason", CancellationReasons)) is { } invalid)
        {
            return invalid;
        }

        var outcome = ledger.Cancel(id, request.Param("cancellation_reason"));
        return outcome.Error is { } error
            ? StripeErrors.FromLedger(request.RequestId, error, ledger)
            : Ok(request, outcome.Value!, expand);
    }

    public ApiResult Search(ApiRequest request)
    {
        var text = request.Param("query");
        if (text is null)
        {
            return RequestChecks.Missing(request, "query");
        }

        var badExpand = RequestChecks.Expand(request, Expandable, out var expand, prefix: "data.");
        var badLimit = RequestChecks.Limit(request, out var limit);
        var badPage = Page(request, out var offset);
        if ((badExpand ?? badLimit ?? badPage) is { } invalid)
        {
            return invalid;
        }

        var query = PaymentIntentSearchQuery.Parse(text, out var problem);
        if (query is null)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400, problem!, param: "query");
        }

        var matches = ledger.Intents.Where(query.Matches).ToList();
        var page = matches.Skip(offset).Take(limit).ToList();
        var hasMore = offset + page.Count < matches.Count;
        var body = StripeJson.SearchResult(
            page.Select(intent => (JsonNode)StripeJson.PaymentIntent(intent, ledger, expand)),
            SearchUrl,
            hasMore,
            hasMore ? PagePrefix + (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null);
        return new ApiResult(200, StripeJson.Serialize(body), Replayable: true, request.RequestId);
    }

    private static ApiResult? CheckCurrency(ApiRequest request, out string? currency)
    {
        currency = request.Param("currency");
        if (currency is null)
        {
            return RequestChecks.Missing(request, "currency");
        }

        if (currency.Length != 3 || !currency.All(char.IsAsciiLetter))
        {
            var refused = StripeErrors.InvalidRequest(request.RequestId, 400,
                $"Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, gbp, ... (three-letter ISO codes).", "parameter_invalid_string", "currency");
            currency = null;
            return refused;
        }

        // Stripe stores and answers currencies in lower case.
        currency = currency.ToLowerInvariant();
        return null;
    }

    private static ApiResult? Page(ApiRequest request, out int offset)
    {
        offset = 0;
        var page = request.Param("page");
        if (page is null)
        {
            return null;
        }

        return page.StartsWith(PagePrefix, StringComparison.Ordinal)
            && int.TryParse(page[PagePrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset)
            ? null
            : StripeErrors.InvalidRequest(request.RequestId, 400, $"Invalid page: {page}", param: "page");
    }

    /// <summary>
    /// The method to confirm with: a <c>ctoken_…</c> (what the checkout posts), a test <c>pm_…</c>
    /// name, or the one of an earlier confirmation.
    /// </summary>
    private static ApiResult? ResolvePaymentMethod(ApiRequest request, string? previousToken, out TestPaymentMethod? method, out string? token)
    {
        method = null;
        token = request.Param("confirmation_token");
        if (token is not null)
        {
            method = TestPaymentMethods.FromConfirmationToken(token);
            return method is null
                ? StripeErrors.InvalidRequest(request.RequestId, 400, $"No such confirmation_token: '{token}'", "resource_missing", "confirmation_token")
                : null;
        }

        token = request.Param("payment_method");
        if (token is not null)
        {
            method = TestPaymentMethods.FromPaymentMethod(token);
            return method is null
                ? StripeErrors.InvalidRequest(request.RequestId, 400, $"No such PaymentMethod: '{token}'", "resource_missing", "payment_method")
                : null;
        }

        token = previousToken;
        method = token is null
            ? null
            : TestPaymentMethods.FromConfirmationToken(token) ?? TestPaymentMethods.FromPaymentMethod(token);
        return method is not null
            ? null
            : StripeErrors.InvalidRequest(request.RequestId, 400,
                "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method " +
                "and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
                "payment_intent_unexpected_state");
    }

    private ApiResult Ok(ApiRequest request, FakePaymentIntent intent, IReadOnlyCollection<string> expand) =>
        new(200, StripeJson.Serialize(StripeJson.PaymentIntent(intent, ledger, expand)), Replayable: true, request.RequestId);

    /// <summary>After a confirmation, a declined card is a 402 card_error (Stripe still keeps the PaymentIntent); anything else is 200.</summary>
    private ApiResult Confirmed(ApiRequest request, FakePaymentIntent intent, IReadOnlyCollection<string> expand) =>
        intent is { Status: "requires_payment_method", LastPaymentError.Type: "card_error" }
            ? StripeErrors.CardDeclined(request.RequestId, intent, ledger)
            : Ok(request, intent, expand);
}
