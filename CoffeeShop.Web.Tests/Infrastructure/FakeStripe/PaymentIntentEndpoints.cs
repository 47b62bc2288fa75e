using System.Globalization;
using System.Text.Json.Nodes;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// <c>/v1/payment_intents</c>: create (and confirm), retrieve, confirm, cancel, list, search. Parameters
/// are validated here; state changes happen atomically in the ledger.
/// </summary>
internal sealed class PaymentIntentEndpoints(FakeStripeLedger ledger)
{
    private const string ListUrl = "/v1/payment_intents";
    private const string SearchUrl = "/v1/payment_intents/search";
    private const string PagePrefix = "fakepage_";

    private static readonly string[] Expandable = ["latest_charge", "payment_method"];
    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];
    private static readonly string[] CreatedBounds = ["gt", "gte", "lt", "lte"];

    public ApiResult Create(ApiRequest request)
    {
        // Every check runs (their out values must be assigned); the first problem is the answer, as on Stripe.
        var badAmount = RequestChecks.Amount(request, "amount", required: true, out var amount);
        var badCurrency = CheckCurrency(request, out var currency);
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand);
        var badShipping = ShippingParameters.Read(request, out var shipping);
        if ((badAmount ?? badCurrency ?? badExpand ?? badShipping) is { } invalid)
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
                request.Flag("automatic_payment_methods[enabled]"),
                shipping),
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

    /// <summary>
    /// Newest first, <c>limit</c> at a time, paged by the ids <c>starting_after</c> (older) or
    /// <c>ending_before</c> (newer); filtered by <c>created</c> (unix seconds, exact or
    /// <c>[gt]</c>/<c>[gte]</c>/<c>[lt]</c>/<c>[lte]</c>) and <c>customer</c>. Lists never lag, unlike search.
    /// </summary>
    public ApiResult List(ApiRequest request)
    {
        var badExpand = RequestChecks.Expand(request, Expandable, out var expand, prefix: "data.");
        var badLimit = RequestChecks.Limit(request, out var limit);
        var badCreated = CreatedFilter(request, out var created);
        var badCursor = Cursor(request, out var startingAfter, out var endingBefore);
        if ((badExpand ?? badLimit ?? badCreated ?? badCursor) is { } invalid)
        {
            return invalid;
        }

        // The fake's PaymentIntents have no customer, so asking for one finds none (as search's customer:'cus_…' does).
        var customer = request.Param("customer");
        var matches = ledger.Intents.Where(intent => customer is null && created(intent.Created.ToUnixTimeSeconds())).ToList();
        List<FakePaymentIntent> page;
        bool hasMore;
        if (endingBefore is not null)
        {
            var newer = matches.Where(intent => FakeStripeLedger.CompareNewestFirst(intent, endingBefore) < 0).ToList();
            page = newer.Skip(Math.Max(0, newer.Count - limit)).ToList();
            hasMore = newer.Count > limit;
        }
        else
        {
            var older = startingAfter is null
                ? matches
                : matches.Where(intent => FakeStripeLedger.CompareNewestFirst(intent, startingAfter) > 0).ToList();
            page = older.Take(limit).ToList();
            hasMore = older.Count > limit;
        }

        var body = StripeJson.List(page.Select(intent => (JsonNode)StripeJson.PaymentIntent(intent, ledger, expand)), ListUrl, hasMore);
        return new ApiResult(200, StripeJson.Serialize(body), Replayable: true, request.RequestId);
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

        var matches = ledger.SearchableIntents.Where(query.Matches).ToList();
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

    /// <summary>Reads <c>created</c> (exact unix seconds) or its range bounds into one test on a creation time.</summary>
    private static ApiResult? CreatedFilter(ApiRequest request, out Func<long, bool> matches)
    {
        matches = _ => true;
        var tests = new List<Func<long, bool>>();
        foreach (var (key, text) in request.Parameters)
        {
            string bound;
            if (key == "created")
            {
                bound = "eq";
            }
            else if (key.StartsWith("created[", StringComparison.Ordinal) && key.EndsWith(']') && CreatedBounds.Contains(key[8..^1]))
            {
                bound = key[8..^1];
            }
            else if (key.StartsWith("created[", StringComparison.Ordinal))
            {
                return StripeErrors.InvalidRequest(request.RequestId, 400, $"Received unknown parameter: {key}", "parameter_unknown", key);
            }
            else
            {
                continue;
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit))
            {
                return StripeErrors.InvalidRequest(request.RequestId, 400, $"Invalid integer: {text}", "parameter_invalid_integer", key);
            }

            tests.Add(bound switch
            {
                "gt" => created => created > limit,
                "gte" => created => created >= limit,
                "lt" => created => created < limit,
                "lte" => created => created <= limit,
                _ => created => created == limit,
            });
        }

        matches = created => tests.TrueForAll(test => test(created));
        return null;
    }

    /// <summary>Reads <c>starting_after</c> or <c>ending_before</c>: the PaymentIntent whose place in the list the page starts from.</summary>
    private ApiResult? Cursor(ApiRequest request, out FakePaymentIntent? startingAfter, out FakePaymentIntent? endingBefore)
    {
        startingAfter = null;
        endingBefore = null;
        var after = request.Param("starting_after");
        var before = request.Param("ending_before");
        if (after is not null && before is not null)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400,
                "You may only specify one of these parameters: ending_before, starting_after.", param: "starting_after");
        }

        var (param, id) = after is not null ? ("starting_after", after) : ("ending_before", before);
        if (id is null)
        {
            return null;
        }

        var cursor = ledger.FindIntent(id);
        if (cursor is null)
        {
            return StripeErrors.InvalidRequest(request.RequestId, 400, $"No such payment_intent: '{id}'", "resource_missing", param);
        }

        if (after is not null)
        {
            startingAfter = cursor;
        }
        else
        {
            endingBefore = cursor;
        }

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
