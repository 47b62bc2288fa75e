using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Pages;

public class CheckoutTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Success = "ctoken_pm_card_visa";

    // 2 × Kiambu AA at €16.90 + 1 × Huila El Mirador at €12.50, from the seeded catalog.
    private const long CartTotal = 2 * 1690 + 1250;

    private async Task<Shopper> ShopperWithCartAsync(ShopFactory? factory = null)
    {
        var shopper = new Shopper((factory ?? Factory).CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        return shopper;
    }

    private List<RecordedRequest> PaymentIntentCreates() =>
        Stripe.Requests.Where(r => r.Method == "POST" && r.Path == "/v1/payment_intents").ToList();

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    private async Task<int> CartItemCountAsync()
    {
        await using var db = Db();
        return await db.CartItems.CountAsync();
    }

    [Fact]
    public async Task Post_Checkout_Success_ChargesTheDatabaseTotalOnceAndShowsThePaidOrder()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync(Success, "ada@example.com");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal($"/Orders/{record.Order!.PublicId}", response.Headers.Location!.OriginalString);
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(OrderStatus.Paid, record.Order.Status);
        Assert.Equal(CartTotal, record.AmountMinor);
        Assert.Equal($"order-{record.OrderId}-attempt-1", record.IdempotencyKey);
        Assert.StartsWith("pi_", record.PaymentIntentId, StringComparison.Ordinal);
        Assert.Equal("4242", record.CardLast4);
        Assert.Equal("ada@example.com", record.CustomerEmail);
        Assert.Equal(0, await CartItemCountAsync());

        var create = Assert.Single(PaymentIntentCreates());
        Assert.Equal(CartTotal.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Form["amount"]);
        Assert.Equal("eur", create.Form["currency"]);
        Assert.Equal("true", create.Form["confirm"]);
        Assert.Equal(Success, create.Form["confirmation_token"]);
        Assert.Equal("true", create.Form["automatic_payment_methods[enabled]"]);
        Assert.Equal($"https://localhost/Checkout/Return?order={record.Order.PublicId}", create.Form["return_url"]);
        Assert.Equal("ada@example.com", create.Form["receipt_email"]);
        Assert.Equal(record.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Form["metadata[order_id]"]);
        Assert.Equal($"CoffeeShop order {record.Order.Reference}", create.Form["description"]);
        Assert.Equal(record.IdempotencyKey, create.Headers["idempotency-key"]);

        var orderPage = await shopper.FollowAsync(response);
        Assert.Equal("paid", orderPage.QuerySelector("#payment-state")!.GetAttribute("data-status"));
        Assert.Equal("€46.30", orderPage.QuerySelector("#order-total")!.TextContent);
    }

    [Theory]
    [InlineData("ctoken_pm_card_visa_chargeDeclined", "generic_decline", "Your card was declined")]
    [InlineData("ctoken_pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds", "insufficient funds")]
    [InlineData("ctoken_pm_card_chargeDeclinedExpiredCard", "expired_card", "Your card has expired")]
    [InlineData("ctoken_pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "security code (CVC) is incorrect")]
    [InlineData("ctoken_pm_card_chargeDeclinedProcessingError", "processing_error", "could not process your card")]
    public async Task Post_Checkout_DeclinedCard_ShowsReasonKeepsCartAndRetryIsANewAttempt(string token, string declineCode, string reason)
    {
        var shopper = await ShopperWithCartAsync();

        var declined = await shopper.PayAsync(token);

        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        var page = await HtmlForms.ParseAsync(declined);
        Assert.Contains(reason, page.QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("StripeException", page.Body!.InnerHtml, StringComparison.Ordinal);
        var failed = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Failed, failed.Status);
        Assert.Equal(declineCode, failed.FailureCode);
        Assert.Equal(OrderStatus.AwaitingPayment, failed.Order!.Status);
        Assert.Equal(2, await CartItemCountAsync());

        var retried = await shopper.PayAsync(Success, checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, retried.StatusCode);
        var records = await RecordsAsync();
        Assert.Equal([PaymentStatus.Failed, PaymentStatus.Succeeded], records.Select(r => r.Status));
        Assert.Equal(failed.OrderId, records[1].OrderId);
        Assert.Equal($"order-{failed.OrderId}-attempt-2", records[1].IdempotencyKey);
        Assert.Equal(["order-" + failed.OrderId + "-attempt-1", "order-" + failed.OrderId + "-attempt-2"],
            PaymentIntentCreates().Select(r => r.Headers["idempotency-key"]));
    }

    [Fact]
    public async Task Post_Checkout_RequiresActionWithRedirect_SendsCustomerToBankThenReturnPageSettles()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.RequiresAction, record.Status);
        Assert.Equal($"{Stripe.BaseAddress.ToString().TrimEnd('/')}/3ds/{record.PaymentIntentId}", response.Headers.Location!.ToString());
        Assert.Equal(2, await CartItemCountAsync());

        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        var returned = await shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}&redirect_status=succeeded");

        Assert.Equal(HttpStatusCode.SeeOther, returned.StatusCode);
        Assert.Equal($"/Orders/{record.Order.PublicId}", returned.Headers.Location!.OriginalString);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        Assert.Equal(0, await CartItemCountAsync());
    }

    [Fact]
    public async Task Post_Checkout_RequiresActionWithoutRedirect_RendersHandleNextActionPageThenReturnPageSettles()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync("ctoken_pm_card_threeDSecure2Required");

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"/Checkout/Authenticate?order={record.Order!.PublicId}", response.Headers.Location!.OriginalString);
        var page = await shopper.FollowAsync(response);
        var step = page.QuerySelector("#authenticate")!;
        Assert.Equal(Stripe.FindPaymentIntent(record.PaymentIntentId!)!.ClientSecret, step.GetAttribute("data-client-secret"));
        Assert.Equal(FakeStripeApi.PublishableKey, step.GetAttribute("data-publishable-key"));
        Assert.NotNull(page.QuerySelector("script[src='https://js.stripe.com/v3/']"));

        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        var returned = await shopper.Client.GetAsync(new Uri(step.GetAttribute("data-return-url")!));

        Assert.Equal($"/Orders/{record.Order.PublicId}", returned.Headers.Location!.OriginalString);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
    }

    [Fact]
    public async Task Get_Return_AuthenticationFailed_MarksFailedAndSendsCustomerBackToCheckout()
    {
        var shopper = await ShopperWithCartAsync();
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var record = Assert.Single(await RecordsAsync());

        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: false);
        var returned = await shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}");

        Assert.Equal("/Checkout", returned.Headers.Location!.OriginalString);
        Assert.Equal(PaymentStatus.Failed, Assert.Single(await RecordsAsync()).Status);
        Assert.Contains("3-D Secure", (await shopper.FollowAsync(returned)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await CartItemCountAsync());
    }

    [Fact]
    public async Task Post_Checkout_Processing_ShowsHonestPendingPage()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync("ctoken_test_processing");

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Processing, record.Status);
        Assert.Equal(OrderStatus.AwaitingPayment, record.Order!.Status);
        var page = await shopper.FollowAsync(response);
        Assert.Equal("confirming", page.QuerySelector("#payment-state")!.GetAttribute("data-status"));
        Assert.NotNull(page.QuerySelector("meta[http-equiv=refresh]"));
    }

    [Fact]
    public async Task Post_Checkout_TamperedAmountPriceCurrencyOrProductFields_ChargeTheDatabaseTotal()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync(Success, extra: new Dictionary<string, string?>
        {
            ["Input.Amount"] = "1",
            ["Amount"] = "1",
            ["Input.AmountMinor"] = "1",
            ["Input.Total"] = "0.01",
            ["Input.Price"] = "1",
            ["Input.Currency"] = "usd",
            ["Currency"] = "jpy",
            ["Input.ProductId"] = "1",
            ["Input.Quantity"] = "1",
            ["Input.Status"] = "Succeeded",
        });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var create = Assert.Single(PaymentIntentCreates());
        Assert.Equal(CartTotal.ToString(System.Globalization.CultureInfo.InvariantCulture), create.Form["amount"]);
        Assert.Equal("eur", create.Form["currency"]);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(CartTotal, record.AmountMinor);
        Assert.Equal(CartTotal, record.Order!.TotalMinor);
    }

    [Fact]
    public async Task Post_Checkout_CartChangedInAnotherTab_RefusesWithNewTotalAndChargesNothing()
    {
        var shopper = await ShopperWithCartAsync();
        var staleCheckout = await shopper.CheckoutPageAsync();
        await shopper.AddToCartAsync("cerrado-sunrise", 1);

        var response = await shopper.PayAsync(Success, checkoutPage: staleCheckout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains("This checkout form is out of date", page.QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("€65.20", page.QuerySelector("#order-total")!.TextContent);
        Assert.Empty(PaymentIntentCreates());
        Assert.Empty(await RecordsAsync());
    }

    [Fact]
    public async Task Post_Checkout_PriceChangedAfterPageWasRendered_RefusesAndChargesNothing()
    {
        var shopper = await ShopperWithCartAsync();
        var staleCheckout = await shopper.CheckoutPageAsync();
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 2990));
        }

        var response = await shopper.PayAsync(Success, checkoutPage: staleCheckout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(PaymentIntentCreates());
    }

    [Fact]
    public async Task Post_Checkout_DoubleSubmitConcurrently_CreatesOnePaymentIntentAndOneSucceededRecord()
    {
        var shopper = await ShopperWithCartAsync();
        var page = await shopper.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(300);

        var responses = await Task.WhenAll(shopper.PayAsync(Success, checkoutPage: page), shopper.PayAsync(Success, checkoutPage: page));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.All(responses, r => Assert.Equal($"/Orders/{record.Order!.PublicId}", r.Headers.Location!.OriginalString));
        Assert.Single(Stripe.PaymentIntents);
        Assert.Single(PaymentIntentCreates());
    }

    [Fact]
    public async Task Post_Checkout_OutageInFrontOfStripeThenSuccess_RetriesWithTheSameIdempotencyKey()
    {
        var shopper = await ShopperWithCartAsync();
        Stripe.FailBeforeApiNext(1, 503);

        var response = await shopper.PayAsync(Success);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        var creates = PaymentIntentCreates();
        Assert.Equal(2, creates.Count);
        Assert.All(creates, c => Assert.Equal(record.IdempotencyKey, c.Headers["idempotency-key"]));
        Assert.Single(Stripe.PaymentIntents);
    }

    [Fact]
    public async Task Post_Checkout_FirstAnswerWasASaved500_KeepsPendingSaysConfirmingAndResubmitStartsNoNewPaymentIntent()
    {
        var shopper = await ShopperWithCartAsync();
        var page = await shopper.CheckoutPageAsync();
        Stripe.FailNext(1, 500);

        var response = await shopper.PayAsync(Success, checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Pending, record.Status);
        Assert.Null(record.PaymentIntentId);
        Assert.Equal(OrderStatus.AwaitingPayment, record.Order!.Status);
        Assert.Equal($"/Orders/{record.Order.PublicId}", response.Headers.Location!.OriginalString);
        Assert.Equal("confirming", (await shopper.FollowAsync(response)).QuerySelector("#payment-state")!.GetAttribute("data-status"));
        // The 500 is saved under the key with Stripe-Should-Retry: false, so Stripe.net does not retry into the replay.
        var create = Assert.Single(PaymentIntentCreates());
        Assert.Equal((500, record.IdempotencyKey), (create.ResponseStatus, create.IdempotencyKey));
        Assert.Empty(Stripe.PaymentIntents);
        Assert.Equal(2, await CartItemCountAsync());

        var resubmitted = await shopper.PayAsync(Success, checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, resubmitted.StatusCode);
        Assert.Equal($"/Orders/{record.Order.PublicId}", resubmitted.Headers.Location!.OriginalString);
        Assert.Single(PaymentIntentCreates());
        Assert.Single(await RecordsAsync());
        Assert.Empty(Stripe.PaymentIntents);
    }

    [Fact]
    public async Task Post_Checkout_StripeNeverAnswers_KeepsPendingSaysConfirmingAndResubmitMakesNoSecondPaymentIntent()
    {
        await using var impatient = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Stripe:TimeoutSeconds"] = "1",
            ["Stripe:MaxNetworkRetries"] = "1",
        });
        var shopper = await ShopperWithCartAsync(impatient);
        var page = await shopper.CheckoutPageAsync();
        Stripe.HangNext(10);

        var response = await shopper.PayAsync(Success, checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Pending, record.Status);
        Assert.Null(record.PaymentIntentId);
        Assert.Equal($"order-{record.OrderId}-attempt-1", record.IdempotencyKey);
        Assert.Equal("confirming", (await shopper.FollowAsync(response)).QuerySelector("#payment-state")!.GetAttribute("data-status"));
        var attempts = PaymentIntentCreates().Count;

        var resubmitted = await shopper.PayAsync(Success, checkoutPage: page);
        var freshCheckout = await shopper.CheckoutPageAsync();

        Assert.Equal(HttpStatusCode.SeeOther, resubmitted.StatusCode);
        Assert.Equal(attempts, PaymentIntentCreates().Count);
        Assert.Single(await RecordsAsync());
        Assert.Null(freshCheckout.QuerySelector("#checkout-form"));
        Assert.Contains("still confirming", freshCheckout.QuerySelector(".pay .notice")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Checkout_DatabaseFailsAfterStripeSucceeded_PendingRecordSurvivesForReconciliation()
    {
        SkipLedgerCheck("the shop stops with Stripe's money not yet recorded; ReconcilerTests settle it");
        await using var brokenAfterStripe = new ShopFactory(Stripe, services: s => s.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, FailPaymentUpdatesInterceptor>());
        var shopper = await ShopperWithCartAsync(brokenAfterStripe);

        var response = await shopper.PayAsync(Success);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Pending, record.Status);
        Assert.Equal($"order-{record.OrderId}-attempt-1", record.IdempotencyKey);
        var charged = Assert.Single(Stripe.PaymentIntents);
        Assert.Equal("succeeded", charged.Status);
        Assert.Equal(record.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture), charged.Metadata["order_id"]);
        Assert.Equal("confirming", (await shopper.FollowAsync(response)).QuerySelector("#payment-state")!.GetAttribute("data-status"));
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("order")]
    public async Task Get_Return_PaymentIntentDoesNotMatchTheOrder_MarksNeedsAttentionNotPaid(string mismatch)
    {
        SkipLedgerCheck("the PaymentIntent belongs to another order or amount: flagged for an admin, not paid");
        var shopper = await ShopperWithCartAsync();
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var record = Assert.Single(await RecordsAsync());
        await using (var db = Db())
        {
            // As if the shop crashed before it stored the PaymentIntent id.
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.PaymentIntentId, (string?)null));
        }

        var orderId = record.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var other = Stripe.CreatePaymentIntentDirectly(
            mismatch == "amount" ? 100 : CartTotal, "eur",
            new Dictionary<string, string> { ["order_id"] = mismatch == "order" ? "999999" : orderId, ["attempt"] = "1" });
        var returned = await shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={other.Id}");

        Assert.Equal($"/Orders/{record.Order.PublicId}", returned.Headers.Location!.OriginalString);
        var after = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.NotNull(after.AttentionReason);
        Assert.Equal(OrderStatus.AwaitingPayment, after.Order!.Status);
        Assert.Equal(2, await CartItemCountAsync());
    }

    [Fact]
    public async Task Get_Checkout_StripeMode_LoadsStripeJsWithPublishableKeyAndNeverTheSecretKey()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.Client.GetAsync("/Checkout");
        var html = await response.Content.ReadAsStringAsync();
        var page = await HtmlForms.ParseAsync(response);

        Assert.NotNull(page.QuerySelector("script[src='https://js.stripe.com/v3/']"));
        Assert.Equal(FakeStripeApi.PublishableKey, page.QuerySelector("#checkout-form")!.GetAttribute("data-publishable-key"));
        Assert.Equal(CartTotal.ToString(System.Globalization.CultureInfo.InvariantCulture), page.QuerySelector("#checkout-form")!.GetAttribute("data-amount"));
        Assert.NotNull(page.QuerySelector("#payment-element"));
        Assert.Equal("Pay €46.30", page.QuerySelector("#pay-button")!.TextContent);
        Assert.DoesNotContain(FakeStripeApi.SecretKey, html, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeStripeApi.WebhookSecret, html, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector(".banner"));
        var catalog = await shopper.Client.GetStringAsync("/");
        Assert.DoesNotContain("js.stripe.com", catalog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "ada@example.com")]
    [InlineData("", "ada@example.com")]
    [InlineData("tok_visa", "ada@example.com")]
    [InlineData("pm_card_visa", "ada@example.com")]
    [InlineData("ctoken_<script>alert(1)</script>", "ada@example.com")]
    [InlineData("(201 characters)", "ada@example.com")]
    [InlineData(Success, "")]
    [InlineData(Success, "not-an-email")]
    public async Task Post_Checkout_MissingOrMalformedTokenOrEmail_ShowsValidationAndNeverCallsStripe(string? token, string email)
    {
        var shopper = await ShopperWithCartAsync();
        token = token == "(201 characters)" ? "ctoken_" + new string('a', 201) : token;

        var response = await shopper.PayAsync(token!, email, extra: token is null ? new Dictionary<string, string?> { ["Input.ConfirmationToken"] = null } : null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("#payment-errors li")?.TextContent));
        Assert.Empty(Stripe.Requests);
        Assert.Empty(await RecordsAsync());
    }

    [Fact]
    public async Task Get_Checkout_EmptyCart_RedirectsToCartWithMessage()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());

        var response = await shopper.Client.GetAsync("/Checkout");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/Cart", response.Headers.Location!.OriginalString);
        Assert.Contains("Your cart is empty", (await shopper.FollowAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Order_UnknownId_Returns404()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/Orders/not-a-real-order-id");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
