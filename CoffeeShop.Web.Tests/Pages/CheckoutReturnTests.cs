using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>The return and 3-D Secure pages, once a payment is settled: answers from the database, no Stripe call.</summary>
public class CheckoutReturnTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private async Task<(Shopper Shopper, PaymentRecord Record)> PayAsync(string token)
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync(token);
        return (shopper, await RecordAsync());
    }

    private async Task<PaymentRecord> RecordAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).SingleAsync();
    }

    private async Task<int> TimelineCountAsync()
    {
        await using var db = Db();
        return await db.PaymentTimeline.CountAsync();
    }

    private static string ReturnUrl(PaymentRecord record) =>
        $"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}&redirect_status=succeeded";

    [Fact]
    public async Task Get_Return_AgainAfterItSettled_RedirectsToTheOrderWithoutAskingStripe()
    {
        var (shopper, record) = await PayAsync(ConfirmationTokens.AuthenticationRequiredRedirect);
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        await shopper.Client.GetAsync(ReturnUrl(record));
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        var stripeCalls = Stripe.Requests.Count;
        var timeline = await TimelineCountAsync();

        var again = await shopper.Client.GetAsync(ReturnUrl(record));

        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.Equal($"/Orders/{record.Order!.PublicId}", again.Headers.Location!.OriginalString);
        Assert.Equal(stripeCalls, Stripe.Requests.Count);
        Assert.Equal(timeline, await TimelineCountAsync());
    }

    [Fact]
    public async Task Get_Return_PaidAtCheckout_NeverAsksStripe()
    {
        var (shopper, record) = await PayAsync(ConfirmationTokens.Visa);
        var stripeCalls = Stripe.Requests.Count;

        var returned = await shopper.Client.GetAsync(ReturnUrl(record));

        Assert.Equal($"/Orders/{record.Order!.PublicId}", returned.Headers.Location!.OriginalString);
        Assert.Equal(stripeCalls, Stripe.Requests.Count);
    }

    [Fact]
    public async Task Get_Return_AgainAfterAuthenticationFailed_SendsBackToCheckoutWithTheReasonWithoutAskingStripe()
    {
        var (shopper, record) = await PayAsync(ConfirmationTokens.AuthenticationRequiredRedirect);
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: false);
        await shopper.Client.GetAsync(ReturnUrl(record));
        Assert.Equal(PaymentStatus.Failed, (await RecordAsync()).Status);
        var stripeCalls = Stripe.Requests.Count;

        var again = await shopper.Client.GetAsync(ReturnUrl(record));

        Assert.Equal("/Checkout", again.Headers.Location!.OriginalString);
        Assert.Contains("3-D Secure", (await shopper.FollowAsync(again)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(stripeCalls, Stripe.Requests.Count);
    }

    [Fact]
    public async Task Get_Authenticate_AfterThePaymentSettled_RedirectsToTheOrderWithoutAskingStripe()
    {
        var (shopper, record) = await PayAsync(ConfirmationTokens.ThreeDSecure2Required);
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        await shopper.Client.GetAsync(ReturnUrl(record));
        var stripeCalls = Stripe.Requests.Count;

        var reloaded = await shopper.Client.GetAsync($"/Checkout/Authenticate?order={record.Order!.PublicId}");

        Assert.Equal(HttpStatusCode.SeeOther, reloaded.StatusCode);
        Assert.Equal($"/Orders/{record.Order.PublicId}", reloaded.Headers.Location!.OriginalString);
        Assert.Equal(stripeCalls, Stripe.Requests.Count);
    }
}
