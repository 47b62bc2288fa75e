using System.Globalization;
using System.Net;
using Stripe;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// The fake answers like Stripe: every test drives it through the real Stripe.net client
/// (form encoding, retries, idempotency keys, deserialization, error mapping). No database.
/// </summary>
public sealed class FakeStripeApiTests : IAsyncLifetime
{
    /// <summary>One HttpClient for the class, as the shop shares one through IHttpClientFactory.</summary>
    private static readonly HttpClient Http = new();

    private FakeStripeApi _fake = null!;
    private StripeClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeStripeApi.StartAsync();
        _client = NewClient(Http, maxNetworkRetries: 2);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Create_WithVisaToken_SucceedsWithAmountCurrencyMetadataAndCard()
    {
        var intent = await new PaymentIntentService(_client).CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa));

        Assert.Equal("succeeded", intent.Status);
        Assert.StartsWith("pi_", intent.Id, StringComparison.Ordinal);
        Assert.StartsWith($"{intent.Id}_secret_", intent.ClientSecret, StringComparison.Ordinal);
        Assert.Equal(1450, intent.Amount);
        Assert.Equal(1450, intent.AmountReceived);
        Assert.Equal("eur", intent.Currency);
        Assert.Equal("12", intent.Metadata["order_id"]);
        Assert.False(intent.Livemode);
        Assert.Equal("visa", intent.LatestCharge.PaymentMethodDetails.Card.Brand);
        Assert.Equal("4242", intent.LatestCharge.PaymentMethodDetails.Card.Last4);
        Assert.Equal(intent.LatestChargeId, intent.LatestCharge.Id);

        var stored = Assert.Single(_fake.PaymentIntents);
        Assert.Equal((intent.Id, "succeeded", 1450L, "eur", ConfirmationTokens.Visa), (stored.Id, stored.Status, stored.Amount, stored.Currency, stored.ConfirmationToken));
        var request = Assert.Single(_fake.Requests);
        Assert.Equal(("POST", "/v1/payment_intents", 200), (request.Method, request.Path, request.ResponseStatus));
        Assert.Equal("12", request.Form["metadata[order_id]"]);
        Assert.Equal("true", request.Form["automatic_payment_methods[enabled]"]);
        Assert.Equal(StripeConfiguration.ApiVersion, request.Headers["stripe-version"]);
        Assert.Equal($"Bearer {FakeStripeApi.SecretKey}", request.Headers["authorization"]);
    }

    [Fact]
    public async Task Create_InsufficientFunds_ThrowsCardErrorCarryingThePaymentIntent()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            new PaymentIntentService(_client).CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.InsufficientFunds)));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal("card_declined", error.StripeError.Code);
        Assert.Equal("insufficient_funds", error.StripeError.DeclineCode);
        Assert.Equal("Your card has insufficient funds.", error.StripeError.Message);
        Assert.Equal("9995", error.StripeError.PaymentMethod.Card.Last4);
        var declined = error.StripeError.PaymentIntent;
        Assert.StartsWith("pi_", declined.Id, StringComparison.Ordinal);
        Assert.Equal("requires_payment_method", declined.Status);
        Assert.Equal("insufficient_funds", declined.LastPaymentError.DeclineCode);
        Assert.Equal("requires_payment_method", _fake.FindPaymentIntent(declined.Id)?.Status);
        Assert.StartsWith("req_", error.StripeResponse.RequestId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConfirmationTokens.Visa, "succeeded", null, "4242")]
    [InlineData(ConfirmationTokens.Mastercard, "succeeded", null, "4444")]
    [InlineData(ConfirmationTokens.Dispute, "succeeded", null, "0259")]
    [InlineData(ConfirmationTokens.Processing, "processing", null, "4242")]
    [InlineData(ConfirmationTokens.ThreeDSecure2Required, "requires_action", null, "3220")]
    [InlineData(ConfirmationTokens.AuthenticationRequired, "requires_action", null, "3184")]
    [InlineData(ConfirmationTokens.AuthenticationRequiredRedirect, "requires_action", null, "3184")]
    [InlineData(ConfirmationTokens.Declined, "requires_payment_method", "generic_decline", "0002")]
    [InlineData(ConfirmationTokens.InsufficientFunds, "requires_payment_method", "insufficient_funds", "9995")]
    [InlineData(ConfirmationTokens.ExpiredCard, "requires_payment_method", "expired_card", "0069")]
    [InlineData(ConfirmationTokens.IncorrectCvc, "requires_payment_method", "incorrect_cvc", "0127")]
    [InlineData(ConfirmationTokens.ProcessingError, "requires_payment_method", "processing_error", "0119")]
    public async Task Create_EachTestToken_HasItsStripeOutcomeAndCard(string token, string status, string? declineCode, string last4)
    {
        var options = CreateOptions(1450, "12", token);
        options.Expand = ["payment_method"];

        string? actualDecline = null;
        PaymentIntent intent;
        string? actualLast4;
        try
        {
            intent = await new PaymentIntentService(_client).CreateAsync(options);
            actualLast4 = intent.PaymentMethod.Card.Last4;
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error")
        {
            intent = ex.StripeError.PaymentIntent;
            actualDecline = ex.StripeError.DeclineCode;
            actualLast4 = ex.StripeError.PaymentMethod.Card.Last4;
        }

        Assert.Equal((status, declineCode, last4), (intent.Status, actualDecline, actualLast4));
        Assert.Equal(status, _fake.FindPaymentIntent(intent.Id)?.Status);
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyAndParameters_ReplaysTheFirstAnswer()
    {
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };

        var first = await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);
        var second = await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(_fake.PaymentIntents);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("order-12-attempt-1", second.StripeResponse.IdempotencyKey);
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyOtherAmount_IsAnIdempotencyError()
    {
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };
        await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);

        var error = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(9999, "12", ConfirmationTokens.Visa), options));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Single(_fake.PaymentIntents);
    }

    [Fact]
    public async Task Create_DeclineUnderAKey_IsReplayedNotRetried()
    {
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };

        var first = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Declined), options));
        var second = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Declined), options));

        Assert.Equal("generic_decline", second.StripeError.DeclineCode);
        Assert.Equal(first.StripeError.PaymentIntent.Id, second.StripeError.PaymentIntent.Id);
        Assert.Single(_fake.PaymentIntents);
    }

    [Fact]
    public async Task Create_AfterA503InFrontOfTheApi_StripeNetRetriesUnderTheSameKeyAndChargesOnce()
    {
        _fake.FailBeforeApiNext(1, 503);

        var intent = await new PaymentIntentService(_client).CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa));

        Assert.Equal("succeeded", intent.Status);
        Assert.Single(_fake.PaymentIntents);
        var requests = _fake.Requests;
        Assert.Equal([503, 200], requests.Select(r => r.ResponseStatus));
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.NotNull(requests[0].IdempotencyKey);
    }

    [Fact]
    public async Task Create_500InsideTheEndpoint_IsSavedAndReplayedUnderTheSameKey()
    {
        _fake.FailNext(1, 500);
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };

        var first = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options));
        var requestsAfterFirst = _fake.Requests.Count;
        var replayed = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options));

        // Stripe says Stripe-Should-Retry: false on the saved 500, and Stripe.net defers to it: no retries.
        Assert.Equal(1, requestsAfterFirst);
        Assert.Equal("false", first.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal((HttpStatusCode.InternalServerError, "api_error"), (replayed.HttpStatusCode, replayed.StripeError.Type));
        Assert.Equal("true", replayed.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.StripeResponse.RequestId, replayed.StripeResponse.Headers.GetValues("Original-Request").Single());
        Assert.Equal(first.StripeResponse.Content, replayed.StripeResponse.Content);
        Assert.Equal([500, 500], _fake.Requests.Select(r => r.ResponseStatus));
        Assert.Empty(_fake.PaymentIntents);
    }

    [Fact]
    public async Task Create_500InsideTheEndpoint_OtherParametersUnderTheKeyAreAnIdempotencyErrorAndANewKeyRunsAfresh()
    {
        _fake.FailNext(1, 500);
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };
        await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options));

        var otherAmount = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(CreateOptions(9999, "12", ConfirmationTokens.Visa), options));
        var newKey = await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), new RequestOptions { IdempotencyKey = "order-12-attempt-2" });

        Assert.Equal((HttpStatusCode.BadRequest, "idempotency_error"), (otherAmount.HttpStatusCode, otherAmount.StripeError.Type));
        Assert.Equal("succeeded", newKey.Status);
        Assert.Single(_fake.PaymentIntents);
    }

    [Fact]
    public async Task FailNext_IsTakenByTheNextRequestThatRunsAnEndpoint_NotByAReplay()
    {
        var service = new PaymentIntentService(_client);
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };
        await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);
        _fake.FailNext(1, 500);

        var replay = await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);
        var failed = await Assert.ThrowsAsync<StripeException>(() => service.GetAsync(replay.Id));
        var again = await service.GetAsync(replay.Id);

        Assert.Equal("true", replay.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.HttpStatusCode);
        Assert.Equal("succeeded", again.Status);
    }

    [Fact]
    public async Task Create_WhileTheSameKeyIsInFlight_IsAConflict()
    {
        _fake.Latency = TimeSpan.FromSeconds(1);
        using var http = new HttpClient();
        var noRetries = new PaymentIntentService(NewClient(http, maxNetworkRetries: 0));
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };

        var first = noRetries.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options);
        Assert.True(await Waits.UntilAsync(() => _fake.IsInFlight(options.IdempotencyKey), TimeSpan.FromSeconds(5)), "The first request never claimed its key.");

        var error = await Assert.ThrowsAsync<StripeException>(() => noRetries.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options));

        Assert.Equal(HttpStatusCode.Conflict, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Equal("succeeded", (await first).Status);
        Assert.Single(_fake.PaymentIntents);
    }

    [Theory]
    [InlineData(StripeOutage.Errors)]
    [InlineData(StripeOutage.Drops)]
    [InlineData(StripeOutage.Hangs)]
    public async Task Outage_EveryRequestFailsUntilItEnds_NothingIsCharged_ThenTheSameKeyCharges(StripeOutage outage)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
        var service = new PaymentIntentService(NewClient(http, maxNetworkRetries: 1));
        var options = new RequestOptions { IdempotencyKey = "order-12-attempt-1" };
        _fake.Outage = outage;

        // Every try fails, Stripe.net's retry included: an answer of 500, a dropped connection, or none.
        await Assert.ThrowsAnyAsync<Exception>(() => service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options));
        Assert.Empty(_fake.PaymentIntents);
        Assert.Equal(2, _fake.Requests.Count);

        _fake.Outage = StripeOutage.None;
        Assert.Equal("succeeded", (await service.CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa), options)).Status);
        Assert.Single(_fake.PaymentIntents);
    }

    [Fact]
    public async Task Create_WhenStripeHangs_StripeNetGivesUpAndRetriesUnderTheSameKey()
    {
        _fake.HangNext(1);
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };

        var intent = await new PaymentIntentService(NewClient(http, maxNetworkRetries: 1)).CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa));

        Assert.Equal("succeeded", intent.Status);
        Assert.Single(_fake.PaymentIntents);
        Assert.Single(_fake.Requests.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task Search_ByOrderIdMetadata_FindsOnlyThatOrdersPaymentIntent()
    {
        var service = new PaymentIntentService(_client);
        var wanted = await service.CreateAsync(CreateOptions(1450, "42", ConfirmationTokens.Visa));
        await service.CreateAsync(CreateOptions(900, "43", ConfirmationTokens.Visa));

        var single = await service.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order_id']:'42'", Expand = ["data.latest_charge"] });
        var doubleQuoted = await service.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata[\"order_id\"]:\"42\" AND status:'succeeded'" });

        Assert.Equal(wanted.Id, Assert.Single(single.Data).Id);
        Assert.Equal("4242", single.Data[0].LatestCharge.PaymentMethodDetails.Card.Last4);
        Assert.Equal(wanted.Id, Assert.Single(doubleQuoted.Data).Id);
        Assert.False(single.HasMore);
    }

    [Fact]
    public async Task List_CreatedRange_ReturnsThoseIntentsNewestFirstWithExpandedCharges()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        PlaceIntent("1", now.AddHours(-4));
        var threeHoursAgo = PlaceIntent("2", now.AddHours(-3));
        var twoHoursAgo = PlaceIntent("3", now.AddHours(-2));
        PlaceIntent("4", now.AddHours(-1));

        var page = await new PaymentIntentService(_client).ListAsync(new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = now.AddHours(-3).UtcDateTime, LessThanOrEqual = now.AddHours(-2).UtcDateTime },
            Limit = 100,
            Expand = ["data.latest_charge"],
        });
        var exclusive = await new PaymentIntentService(_client).ListAsync(new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThan = now.AddHours(-4).UtcDateTime, LessThan = now.AddHours(-2).UtcDateTime },
        });

        Assert.Equal([twoHoursAgo.Id, threeHoursAgo.Id], page.Data.Select(intent => intent.Id));
        Assert.Equal("list", page.Object);
        Assert.Equal("/v1/payment_intents", page.Url);
        Assert.False(page.HasMore);
        Assert.Equal(now.AddHours(-2).UtcDateTime, page.Data[0].Created);
        Assert.Equal(twoHoursAgo.LatestChargeId, page.Data[0].LatestCharge.Id);
        Assert.Equal("4242", page.Data[0].LatestCharge.PaymentMethodDetails.Card.Last4);
        Assert.Equal([threeHoursAgo.Id], exclusive.Data.Select(intent => intent.Id));
        var request = _fake.Requests[0];
        Assert.Equal(("GET", "/v1/payment_intents", 200), (request.Method, request.Path, request.ResponseStatus));
    }

    [Fact]
    public async Task List_MoreIntentsThanAPage_AutoPagingVisitsEveryIntentOnceNewestFirst()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds());
        for (var i = 0; i < 230; i++)
        {
            // Pairs share a second: ties are broken by id, so the cursor still finds its place.
            PlaceIntent(i.ToString(CultureInfo.InvariantCulture), start.AddSeconds(i / 2));
        }

        var options = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = start.UtcDateTime, LessThanOrEqual = start.AddHours(1).UtcDateTime },
            Limit = 100,
        };
        var seen = new List<string>();
        await foreach (var intent in new PaymentIntentService(_client).ListAutoPagingAsync(options))
        {
            seen.Add(intent.Id);
        }

        Assert.Equal(_fake.PaymentIntents.Select(intent => intent.Id), seen);
        Assert.Equal(230, seen.Distinct().Count());
        var pages = _fake.Requests;
        Assert.Equal(3, pages.Count);
        Assert.DoesNotContain("starting_after", pages[0].Query, StringComparison.Ordinal);
        Assert.Contains($"starting_after={seen[99]}", pages[1].Query, StringComparison.Ordinal);
        Assert.Contains($"starting_after={seen[199]}", pages[2].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_EndingBefore_ReturnsTheNewerIntentsNextToTheCursorStillNewestFirst()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds());
        for (var i = 0; i < 6; i++)
        {
            PlaceIntent(i.ToString(CultureInfo.InvariantCulture), start.AddMinutes(i));
        }

        var newestFirst = _fake.PaymentIntents.Select(intent => intent.Id).ToList();
        var service = new PaymentIntentService(_client);

        var before = await service.ListAsync(new PaymentIntentListOptions { EndingBefore = newestFirst[4], Limit = 2 });
        var after = await service.ListAsync(new PaymentIntentListOptions { StartingAfter = newestFirst[1], Limit = 10 });
        var firstPage = await service.ListAsync();

        Assert.Equal(newestFirst[2..4], before.Data.Select(intent => intent.Id));
        Assert.True(before.HasMore);
        Assert.Equal(newestFirst[2..], after.Data.Select(intent => intent.Id));
        Assert.False(after.HasMore);
        Assert.Equal(newestFirst, firstPage.Data.Select(intent => intent.Id));
    }

    [Fact]
    public async Task List_InvalidParameters_AnswerStripesInvalidRequestErrors()
    {
        var existing = PlaceIntent("1", DateTimeOffset.UtcNow);
        var service = new PaymentIntentService(_client);
        using var raw = new HttpRequestMessage(HttpMethod.Get, new Uri(_fake.BaseAddress, "v1/payment_intents?created[gte]=yesterday"));
        raw.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FakeStripeApi.SecretKey);

        var tooMany = await Assert.ThrowsAsync<StripeException>(() => service.ListAsync(new PaymentIntentListOptions { Limit = 101 }));
        var unknownCursor = await Assert.ThrowsAsync<StripeException>(() => service.ListAsync(new PaymentIntentListOptions { StartingAfter = "pi_nobody_knows" }));
        var bothCursors = await Assert.ThrowsAsync<StripeException>(() =>
            service.ListAsync(new PaymentIntentListOptions { StartingAfter = existing.Id, EndingBefore = existing.Id }));
        using var notANumber = await Http.SendAsync(raw);

        Assert.Equal((HttpStatusCode.BadRequest, "parameter_invalid_integer", "limit"), (tooMany.HttpStatusCode, tooMany.StripeError.Code, tooMany.StripeError.Param));
        Assert.Equal((HttpStatusCode.BadRequest, "resource_missing", "starting_after"),
            (unknownCursor.HttpStatusCode, unknownCursor.StripeError.Code, unknownCursor.StripeError.Param));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error"), (bothCursors.HttpStatusCode, bothCursors.StripeError.Type));
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
        Assert.Contains("\"param\": \"created[gte]\"", await notANumber.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WithSearchLag_LeavesOutRecentlyWrittenIntentsButListAndRetrieveSeeThem()
    {
        var settled = PlaceIntent("42", DateTimeOffset.UtcNow.AddMinutes(-10));
        var changed = PlaceIntent("42", DateTimeOffset.UtcNow.AddMinutes(-10), status: "processing");
        var service = new PaymentIntentService(_client);
        _fake.SearchLag = TimeSpan.FromMinutes(1);
        var fresh = await service.CreateAsync(CreateOptions(1450, "42", ConfirmationTokens.Visa));
        _fake.SetPaymentIntentStatus(changed.Id, "succeeded");
        var search = new PaymentIntentSearchOptions { Query = "metadata['order_id']:'42'" };

        var lagging = await service.SearchAsync(search);
        var listed = await service.ListAsync();
        var retrieved = await service.GetAsync(fresh.Id);
        _fake.SearchLag = TimeSpan.Zero;
        var caughtUp = await service.SearchAsync(search);

        Assert.Equal([settled.Id], lagging.Data.Select(intent => intent.Id));
        Assert.Equal(3, listed.Data.Count);
        Assert.Equal("succeeded", retrieved.Status);
        Assert.Equal(3, caughtUp.Data.Count);
    }

    [Fact]
    public void Reset_PutsSearchLagBackToZero()
    {
        _fake.SearchLag = TimeSpan.FromMinutes(5);

        _fake.Reset();

        Assert.Equal(TimeSpan.Zero, _fake.SearchLag);
    }

    [Fact]
    public async Task Refund_PartialThenMoreThanRemains_IsRefused()
    {
        var intent = await new PaymentIntentService(_client).CreateAsync(CreateOptions(1000, "12", ConfirmationTokens.Visa));
        var refunds = new RefundService(_client);

        var partial = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 400, Reason = "requested_by_customer" });
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 700 }));
        var rest = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id });

        Assert.Equal((400L, "succeeded", intent.LatestChargeId, intent.Id), (partial.Amount, partial.Status, partial.ChargeId, partial.PaymentIntentId));
        Assert.Equal("amount_too_large", error.StripeError.Code);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(600, rest.Amount);
        Assert.Equal(1000, _fake.FindPaymentIntent(intent.Id)?.AmountRefunded);
        var charge = await new ChargeService(_client).GetAsync(intent.LatestChargeId);
        Assert.True(charge.Refunded);
    }

    [Fact]
    public async Task ListRefunds_ByPaymentIntent_PagesNewestFirstWithStartingAfter()
    {
        var payments = new PaymentIntentService(_client);
        var intent = await payments.CreateAsync(CreateOptions(1000, "12", ConfirmationTokens.Visa));
        var other = await payments.CreateAsync(CreateOptions(1000, "13", ConfirmationTokens.Visa));
        var refunds = new RefundService(_client);
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            made.Add((await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 100 })).Id);
        }

        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = other.Id, Amount = 100 });

        var first = await refunds.ListAsync(new RefundListOptions { PaymentIntent = intent.Id, Limit = 2 });
        var second = await refunds.ListAsync(new RefundListOptions { PaymentIntent = intent.Id, Limit = 2, StartingAfter = first.Data[^1].Id });
        var all = new List<string>();
        await foreach (var refund in refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = intent.Id, Limit = 1 }))
        {
            all.Add(refund.Id);
        }

        Assert.Equal([made[2], made[1]], first.Data.Select(r => r.Id));
        Assert.True(first.HasMore);
        Assert.Equal([made[0]], second.Data.Select(r => r.Id));
        Assert.False(second.HasMore);
        Assert.Equal(Enumerable.Reverse(made), all);
        Assert.Equal(4, (await refunds.ListAsync(new RefundListOptions { Limit = 100 })).Data.Count);
        var unknown = await Assert.ThrowsAsync<StripeException>(() => refunds.ListAsync(new RefundListOptions { PaymentIntent = "pi_nobody" }));
        Assert.Equal("resource_missing", unknown.StripeError.Code);
    }

    [Fact]
    public async Task Confirm_WithRedirectAuthentication_BankPageSendsTheCustomerBackSucceeded()
    {
        var options = CreateOptions(1450, "12", ConfirmationTokens.AuthenticationRequiredRedirect);
        options.ReturnUrl = "https://shop.test/Checkout/Return?order=abc";

        var intent = await new PaymentIntentService(_client).CreateAsync(options);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync(new Uri(intent.NextAction.RedirectToUrl.Url));
        using var complete = await browser.PostAsync(new Uri(_fake.BaseAddress, $"3ds/{intent.Id}/complete"), null);

        Assert.Equal("requires_action", intent.Status);
        Assert.Equal("redirect_to_url", intent.NextAction.Type);
        Assert.Contains("Complete", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, complete.StatusCode);
        Assert.Equal(
            $"https://shop.test/Checkout/Return?order=abc&payment_intent={intent.Id}&payment_intent_client_secret={intent.ClientSecret}&redirect_status=succeeded",
            complete.Headers.Location?.ToString());
        Assert.Equal("succeeded", (await new PaymentIntentService(_client).GetAsync(intent.Id)).Status);
    }

    [Fact]
    public async Task Requests_WithoutATestKeyOrForUnknownObjects_AnswerLikeStripe()
    {
        using var http = new HttpClient();
        var wrongKey = new StripeClient(new StripeClientOptions
        {
            ApiKey = "sk_live_not_allowed_here",
            ApiBase = _fake.BaseAddress.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0),
        });

        var unauthorized = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(wrongKey).GetAsync("pi_123"));
        var missing = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(_client).GetAsync("pi_123"));
        var unknownToken = await Assert.ThrowsAsync<StripeException>(() =>
            new PaymentIntentService(_client).CreateAsync(CreateOptions(1450, "12", "ctoken_nobody_knows")));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.HttpStatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing"), (missing.HttpStatusCode, missing.StripeError.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "resource_missing", "confirmation_token"),
            (unknownToken.HttpStatusCode, unknownToken.StripeError.Code, unknownToken.StripeError.Param));
        Assert.Empty(_fake.PaymentIntents);
    }

    [Fact]
    public void SignedEvent_VerifiesWithStripeNetAndCarriesThePaymentIntent()
    {
        var intent = _fake.CreatePaymentIntentDirectly(1450, "EUR", new Dictionary<string, string> { ["order_id"] = "12" });
        var (payload, header) = _fake.SignedEvent("payment_intent.succeeded", _fake.PaymentIntentJson(intent.Id));
        var (stalePayload, staleHeader) = _fake.SignedEvent("payment_intent.succeeded", _fake.PaymentIntentJson(intent.Id), signedAt: DateTimeOffset.UtcNow.AddMinutes(-10));

        var stripeEvent = EventUtility.ConstructEvent(payload, header, FakeStripeApi.WebhookSecret);

        Assert.Equal("payment_intent.succeeded", stripeEvent.Type);
        var eventIntent = Assert.IsType<PaymentIntent>(stripeEvent.Data.Object);
        Assert.Equal((intent.Id, "succeeded", 1450L, "12"), (eventIntent.Id, eventIntent.Status, eventIntent.Amount, eventIntent.Metadata["order_id"]));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(stalePayload, staleHeader, FakeStripeApi.WebhookSecret));
    }

    private StripeClient NewClient(HttpClient http, int maxNetworkRetries) => new(new StripeClientOptions
    {
        ApiKey = FakeStripeApi.SecretKey,
        ApiBase = _fake.BaseAddress.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(http, maxNetworkRetries),
    });

    /// <summary>A PaymentIntent placed at a creation time, as if made then (the API cannot backdate).</summary>
    private FakePaymentIntent PlaceIntent(string orderId, DateTimeOffset created, string status = "succeeded") =>
        _fake.CreatePaymentIntentDirectly(1450, "eur", new Dictionary<string, string> { ["order_id"] = orderId }, status, created);

    [Fact]
    public async Task Create_WithShipping_KeepsItAndAnswersItAsStripeDoes()
    {
        var options = CreateOptions(1450, "12", ConfirmationTokens.Visa);
        options.Shipping = new ChargeShippingOptions
        {
            Name = "Jana Schäfer",
            Phone = "+49 30 1234567",
            Address = new AddressOptions { Line1 = "Röstereistraße 1", PostalCode = "10115", City = "Berlin", Country = "DE" },
        };

        var intent = await new PaymentIntentService(_client).CreateAsync(options);

        Assert.Equal(("Jana Schäfer", "+49 30 1234567"), (intent.Shipping.Name, intent.Shipping.Phone));
        Assert.Equal(("Röstereistraße 1", null, "10115", "Berlin", "DE", null),
            (intent.Shipping.Address.Line1, intent.Shipping.Address.Line2, intent.Shipping.Address.PostalCode, intent.Shipping.Address.City, intent.Shipping.Address.Country, intent.Shipping.Address.State));
        Assert.Null(intent.Shipping.Carrier);
        Assert.Null(intent.Shipping.TrackingNumber);
        Assert.Equal("DE", Assert.Single(_fake.PaymentIntents).Shipping!.Country);
        var retrieved = await new PaymentIntentService(_client).GetAsync(intent.Id);
        Assert.Equal("Berlin", retrieved.Shipping.Address.City);
    }

    [Fact]
    public async Task Create_WithoutShipping_AnswersShippingNull()
    {
        var intent = await new PaymentIntentService(_client).CreateAsync(CreateOptions(1450, "12", ConfirmationTokens.Visa));

        Assert.Null(intent.Shipping);
    }

    public static TheoryData<string, ChargeShippingOptions, string> BadShipping => new()
    {
        { "no name", new ChargeShippingOptions { Address = new AddressOptions { Line1 = "Röstereistraße 1", Country = "DE" } }, "shipping[name]" },
        { "no address", new ChargeShippingOptions { Name = "Jana Schäfer" }, "shipping[address]" },
        { "a three-letter country", new ChargeShippingOptions { Name = "Jana Schäfer", Address = new AddressOptions { Line1 = "Röstereistraße 1", Country = "DEU" } }, "shipping[address][country]" },
        { "a lower-case country", new ChargeShippingOptions { Name = "Jana Schäfer", Address = new AddressOptions { Line1 = "Röstereistraße 1", Country = "de" } }, "shipping[address][country]" },
    };

    [Theory]
    [MemberData(nameof(BadShipping))]
    public async Task Create_WithMalformedShipping_Is400InvalidRequestNamingTheParameterAndCreatesNothing(string why, ChargeShippingOptions shipping, string param)
    {
        var options = CreateOptions(1450, "12", ConfirmationTokens.Visa);
        options.Shipping = shipping;

        var error = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(_client).CreateAsync(options));

        Assert.True(error.HttpStatusCode == HttpStatusCode.BadRequest, why);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(param, error.StripeError.Param);
        Assert.Empty(_fake.PaymentIntents);
    }

    [Fact]
    public async Task Create_WithUnknownShippingParameter_IsRefused()
    {
        var options = CreateOptions(1450, "12", ConfirmationTokens.Visa);
        options.Shipping = new ChargeShippingOptions { Name = "Jana Schäfer", Address = new AddressOptions { Line1 = "Röstereistraße 1" } };
        options.AddExtraParam("shipping[address][street]", "Röstereistraße");

        var error = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(_client).CreateAsync(options));

        Assert.Equal(("parameter_unknown", "shipping[address][street]"), (error.StripeError.Code, error.StripeError.Param));
    }

    private static PaymentIntentCreateOptions CreateOptions(long amount, string orderId, string token) => new()
    {
        Amount = amount,
        Currency = "eur",
        Confirm = true,
        ConfirmationToken = token,
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
        Metadata = new Dictionary<string, string> { ["order_id"] = orderId },
        Expand = ["latest_charge"],
    };
}
