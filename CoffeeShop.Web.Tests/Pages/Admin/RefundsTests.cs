using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

public class RefundsTests(ShopFixture fixture) : PaymentTest(fixture)
{
    // 2 × Kiambu AA at €16.90 and €4.90 shipping to Germany (under the €40.00 free-shipping threshold).
    private const long Paid = (2 * 1690) + 490;

    private async Task<PaymentRecord> PaidOrderAsync(string token = "ctoken_pm_card_visa")
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync(token);
        await using var db = Db();
        return await db.PaymentRecords.OrderByDescending(p => p.Id).FirstAsync();
    }

    private async Task<PaymentRecord> ReloadAsync(long id)
    {
        await using var db = Db();
        return await db.PaymentRecords.SingleAsync(p => p.Id == id);
    }

    private async Task<(HttpClient Admin, AngleSharp.Dom.IDocument Page)> DetailsAsync(long id)
    {
        var admin = await AdminSession.SignInAsync(Factory);
        return (admin, await admin.GetDocumentAsync($"/Admin/Payments/{id}"));
    }

    [Fact]
    public async Task Post_Refund_Full_RefundsAtStripeAndMarksRefunded()
    {
        var record = await PaidOrderAsync();
        var (admin, page) = await DetailsAsync(record.Id);

        var response = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Reason"] = "requested_by_customer" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.Refunded, after.Status);
        Assert.Equal(Paid, after.RefundedMinor);
        var refund = Assert.Single(Stripe.Refunds);
        Assert.Equal(Paid, refund.Amount);
        var request = Assert.Single(Stripe.Requests, r => r.Path == "/v1/refunds");
        await using var db = Db();
        var row = await db.Refunds.SingleAsync();
        Assert.Equal(row.Id.ToString(), request.IdempotencyKey);
        Assert.Equal(row.Id.ToString(), request.Form["metadata[refund_id]"]);
        Assert.Equal("succeeded", row.Status);
        Assert.Equal(refund.Id, row.StripeRefundId);
        Assert.Contains("Refunded €38.70", (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Refund_WithReturnToStock_PutsTheBagsBackOnceAndWithoutItLeavesThemSold()
    {
        var record = await PaidOrderAsync();
        var stockAfterSale = await StockAsync();
        var (admin, page) = await DetailsAsync(record.Id);
        Assert.NotNull(page.QuerySelector("#Refund_ReturnToStock"));

        var response = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?>
        {
            ["Refund.Amount"] = "10.00",
            ["Refund.ReturnToStock"] = "true",
        });

        Assert.Contains("The bags are back in stock", (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(stockAfterSale + 2, await StockAsync());
        Assert.Equal(StockReservation.Returned, (await ReloadAsync(record.Id)).StockReservation);

        var again = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Assert.Null(again.QuerySelector("#Refund_ReturnToStock"));
        await admin.SubmitAsync(again.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "5.00", ["Refund.ReturnToStock"] = "true" });

        Assert.Equal(stockAfterSale + 2, await StockAsync());
    }

    [Fact]
    public async Task Post_Refund_WithoutReturnToStock_LeavesTheBagsSold()
    {
        var record = await PaidOrderAsync();
        var stockAfterSale = await StockAsync();
        var (admin, page) = await DetailsAsync(record.Id);

        await admin.SubmitAsync(page.Form("#refund-form"));

        Assert.Equal(stockAfterSale, await StockAsync());
        Assert.Equal(StockReservation.Sold, (await ReloadAsync(record.Id)).StockReservation);
    }

    private async Task<int> StockAsync()
    {
        await using var db = Db();
        return await db.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.Stock).SingleAsync();
    }

    [Fact]
    public async Task Post_Refund_Partial_MarksPartiallyRefundedAndOffersTheRest()
    {
        var record = await PaidOrderAsync();
        var (admin, page) = await DetailsAsync(record.Id);

        await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "10.5" });

        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.PartiallyRefunded, after.Status);
        Assert.Equal(1050, after.RefundedMinor);
        var again = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Assert.Equal("28.20", again.QuerySelector("#Refund_Amount")!.GetAttribute("value"));
    }

    [Theory]
    [InlineData("38.71")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.234")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task Post_Refund_OverOrBadAmount_IsRefusedAndNothingIsSentToStripe(string amount)
    {
        var record = await PaidOrderAsync();
        var (admin, page) = await DetailsAsync(record.Id);

        var response = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = amount });

        Assert.True((int)response.StatusCode < 500);
        Assert.DoesNotContain(Stripe.Requests, r => r.Path == "/v1/refunds");
        Assert.Equal(PaymentStatus.Succeeded, (await ReloadAsync(record.Id)).Status);
        await using var db = Db();
        Assert.Equal(0, await db.Refunds.CountAsync());
    }

    [Fact]
    public async Task Post_Refund_DoubleSubmittedForm_RefundsOnce()
    {
        var record = await PaidOrderAsync();
        var (admin, page) = await DetailsAsync(record.Id);
        var form = page.Form("#refund-form");
        var values = new Dictionary<string, string?> { ["Refund.Amount"] = "5.00" };

        var responses = await Task.WhenAll(admin.SubmitAsync(form, values), admin.SubmitAsync(form, values));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Single(Stripe.Refunds);
        Assert.Equal(500, (await ReloadAsync(record.Id)).RefundedMinor);
        await using var db = Db();
        Assert.Equal(1, await db.Refunds.CountAsync());
    }

    [Fact]
    public async Task Post_Refund_StripeRefuses_ShowsStripesReason()
    {
        SkipLedgerCheck("the test makes the shop believe a processing payment is paid");
        var record = await PaidOrderAsync("ctoken_test_processing");
        await using (var db = Db())
        {
            // The shop believes it is paid, Stripe knows it is not: Stripe's refusal must reach the admin.
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PaymentStatus.Succeeded));
        }

        var (admin, page) = await DetailsAsync(record.Id);
        var response = await admin.SubmitAsync(page.Form("#refund-form"));

        var shown = await admin.FollowRedirectAsync(response);
        Assert.Contains("Stripe refused the refund", shown.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        await using var check = Db();
        Assert.Equal("failed", (await check.Refunds.SingleAsync()).Status);
        Assert.Equal(0, (await ReloadAsync(record.Id)).RefundedMinor);
    }

    /// <summary>An admin on an instance that gives up on Stripe after one second, without retrying.</summary>
    private ShopFactory Impatient() => new(Stripe, new Dictionary<string, string?>
    {
        ["Stripe:TimeoutSeconds"] = "1",
        ["Stripe:MaxNetworkRetries"] = "0",
    });

    private async Task<Refund> RefundRowAsync()
    {
        await using var db = Db();
        return await db.Refunds.SingleAsync();
    }

    [Fact]
    public async Task Post_Resync_RefundWhoseAnswerWasLost_IsSettledFromStripesList()
    {
        var record = await PaidOrderAsync();
        await using var impatient = Impatient();
        var admin = await AdminSession.SignInAsync(impatient);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        // Stripe makes the refund but answers after the shop stopped waiting.
        Stripe.Latency = TimeSpan.FromSeconds(2);
        var refunded = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "10.50" });
        Assert.Contains("Stripe did not answer", (await admin.FollowRedirectAsync(refunded)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        await Waits.UntilAsync(() => Stripe.Refunds.Count > 0, TimeSpan.FromSeconds(5));

        Stripe.Latency = TimeSpan.Zero;
        Assert.Equal("requested", (await RefundRowAsync()).Status);
        Assert.Equal(0, (await ReloadAsync(record.Id)).RefundedMinor);

        var resync = await admin.SubmitAsync((await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}")).Form("#resync-form"));

        Assert.Equal(HttpStatusCode.SeeOther, resync.StatusCode);
        var atStripe = Assert.Single(Stripe.Refunds);
        var row = await RefundRowAsync();
        Assert.Equal("succeeded", row.Status);
        Assert.Equal(atStripe.Id, row.StripeRefundId);
        Assert.Equal(row.Id.ToString(), atStripe.Metadata["refund_id"]);
        Assert.Equal(1050, atStripe.Amount);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(1050, after.RefundedMinor);
        Assert.Equal(PaymentStatus.PartiallyRefunded, after.Status);
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == "/v1/refunds" && r.Query.Contains($"payment_intent={record.PaymentIntentId}", StringComparison.Ordinal));
        var shown = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Assert.Equal("28.20", shown.QuerySelector("#Refund_Amount")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Post_Resync_RequestedRefundStripeNeverReceived_StaysRequestedAndIsPointedOut()
    {
        var record = await PaidOrderAsync();
        await using var impatient = Impatient();
        var admin = await AdminSession.SignInAsync(impatient);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Stripe.HangNext(1);
        await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "5.00" });

        var resync = await admin.SubmitAsync((await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}")).Form("#resync-form"));

        Assert.Empty(Stripe.Refunds);
        Assert.Equal("requested", (await RefundRowAsync()).Status);
        Assert.Equal(PaymentStatus.Succeeded, (await ReloadAsync(record.Id)).Status);
        var shown = await admin.FollowRedirectAsync(resync);
        Assert.Contains("1 requested refund(s) not found at Stripe yet", shown.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Requested", shown.QuerySelector("table.refunds tbody")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Resync_SettlesFromStripe()
    {
        var record = await PaidOrderAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var (admin, page) = await DetailsAsync(record.Id);

        var response = await admin.SubmitAsync(page.Form("#resync-form"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, (await ReloadAsync(record.Id)).Status);
        Assert.Contains("now Succeeded", (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
    }
}
