using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>Page models bind their input models only: nothing a user must not choose can be posted in.</summary>
public class OverpostingTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task Post_CartAdd_WithPriceAndCartFields_StoresOnlyTheQuantity()
    {
        var client = Factory.CreateBrowserClient();
        var page = await client.GetDocumentAsync("/Products/kiambu-aa");

        var response = await client.SubmitAsync(page.Form("form.add"), new Dictionary<string, string?>
        {
            ["Input.Quantity"] = "2",
            ["Input.PriceMinor"] = "1",
            ["PriceMinor"] = "1",
            ["Input.CartId"] = Guid.NewGuid().ToString(),
            ["Cart.Id"] = Guid.NewGuid().ToString(),
        });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        Assert.Equal(1690, await db.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.PriceMinor).SingleAsync());
        Assert.Equal(2, await db.CartItems.Select(i => i.Quantity).SingleAsync());
        Assert.Equal("€33.80", (await client.GetDocumentAsync("/Cart")).QuerySelector("#cart-subtotal")!.TextContent.Trim());
    }

    [Fact]
    public async Task Post_Refund_WithStatusAmountAndIdsOfOthers_RefundsOnlyWhatTheFormAsked()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa");
        await using var db = Db();
        var record = await db.PaymentRecords.SingleAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?>
        {
            ["Refund.Amount"] = "1.00",
            ["Payment.Status"] = "Refunded",
            ["Payment.RefundedMinor"] = "3380",
            ["Payment.AmountMinor"] = "1",
            ["Refund.PaymentRecordId"] = "999999",
            ["Status"] = "Refunded",
        });

        await using var check = Db();
        var after = await check.PaymentRecords.SingleAsync();
        Assert.Equal(PaymentStatus.PartiallyRefunded, after.Status);
        Assert.Equal(100, after.RefundedMinor);
        // The coffee and €4.90 shipping to Germany.
        Assert.Equal(3380 + 490, after.AmountMinor);
        Assert.Equal(100, Assert.Single(Stripe.Refunds).Amount);
    }
}
