using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Orders;

/// <summary>The customer's order page: where the parcel is, where it goes, the totals and the order's documents.</summary>
public class DetailsTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private async Task<(Shopper Shopper, string Url)> PaidOrderAsync(string token = "ctoken_pm_card_visa")
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        var response = await shopper.PayAsync(token);
        return (shopper, response.Headers.Location!.OriginalString);
    }

    private async Task MoveAsync(FulfilmentStatus to, string? trackingUrl = "https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?tracking-id=JJD0001234")
    {
        await using var db = Db();
        var order = await db.Orders.SingleAsync();
        var now = DateTimeOffset.UtcNow;
        order.Fulfilment = to;
        if (to is FulfilmentStatus.Shipped or FulfilmentStatus.Delivered)
        {
            (order.PackedAt, order.ShippedAt, order.Carrier, order.TrackingNumber, order.TrackingUrl) = (now, now, "DHL", "JJD0001234", trackingUrl);
        }

        order.DeliveredAt = to == FulfilmentStatus.Delivered ? now : null;
        order.CanceledAt = to == FulfilmentStatus.Canceled ? now : null;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Get_Order_Paid_SaysToPackShowsTheAddressTheTotalsAndTheInvoiceLink()
    {
        var (shopper, url) = await PaidOrderAsync();

        var page = await shopper.Client.GetDocumentAsync(url);

        var publicId = url["/Orders/".Length..];
        Assert.Equal("Paid, to pack", page.QuerySelector("#fulfilment-state")!.TextContent.Trim());
        Assert.Equal(["Jana Schäfer", "Röstereistraße 1", "10115 Berlin", "Germany"], AddressLines(page));
        Assert.Equal("€33.80", page.QuerySelector("#order-subtotal")!.TextContent);
        Assert.Equal("€4.90", page.QuerySelector("#order-shipping")!.TextContent);
        Assert.Equal("€38.70", page.QuerySelector("#order-total")!.TextContent);
        var invoice = page.QuerySelector("#invoice-link")!;
        Assert.Equal("Invoice INV-000001", invoice.TextContent);
        Assert.Equal($"/Orders/{publicId}/Invoice", invoice.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll(".credit-note-link"));
        Assert.DoesNotContain("within two days", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("receipt is on its way", page.Body.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FulfilmentStatus.Packed, "Packed")]
    [InlineData(FulfilmentStatus.Shipped, "Shipped")]
    [InlineData(FulfilmentStatus.Delivered, "Delivered")]
    [InlineData(FulfilmentStatus.Canceled, "Canceled")]
    public async Task Get_Order_ShowsWhereTheParcelIs(FulfilmentStatus status, string label)
    {
        var (shopper, url) = await PaidOrderAsync();
        await MoveAsync(status);

        var page = await shopper.Client.GetDocumentAsync(url);

        var state = page.QuerySelector("#fulfilment-state")!;
        Assert.StartsWith(label, state.TextContent.Trim(), StringComparison.Ordinal);
        var link = page.QuerySelector("#tracking-link");
        if (status is FulfilmentStatus.Shipped or FulfilmentStatus.Delivered)
        {
            Assert.Contains("with DHL", state.TextContent, StringComparison.Ordinal);
            Assert.Equal("JJD0001234", link!.TextContent);
            Assert.Equal("https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?tracking-id=JJD0001234", link.GetAttribute("href"));
            Assert.Equal("noopener", link.GetAttribute("rel"));
        }
        else
        {
            Assert.Null(link);
        }
    }

    [Fact]
    public async Task Get_Order_TrackingLinkThatIsNotHttps_IsShownAsTextOnly()
    {
        var (shopper, url) = await PaidOrderAsync();
        await MoveAsync(FulfilmentStatus.Shipped, trackingUrl: "javascript:alert(1)");

        var page = await shopper.Client.GetDocumentAsync(url);

        Assert.Null(page.QuerySelector("#tracking-link"));
        Assert.Null(page.QuerySelector("a[href^='javascript']"));
        Assert.Equal("JJD0001234", page.QuerySelector("#tracking-number")!.TextContent);
    }

    [Fact]
    public async Task Get_Order_Refunded_LinksEachCreditNote()
    {
        var (shopper, url) = await PaidOrderAsync();
        await using (var db = Db())
        {
            var record = await db.PaymentRecords.SingleAsync();
            var admin = await AdminSession.SignInAsync(Factory);
            foreach (var amount in new[] { "1.00", "2.00" })
            {
                var details = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
                var refunded = await admin.SubmitAsync(details.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = amount });
                Assert.Equal(HttpStatusCode.SeeOther, refunded.StatusCode);
            }
        }

        var page = await shopper.Client.GetDocumentAsync(url);

        var publicId = url["/Orders/".Length..];
        var links = page.QuerySelectorAll(".credit-note-link").Select(a => (a.TextContent, a.GetAttribute("href"))).ToList();
        Assert.Equal([("Credit note CN-000001", $"/Orders/{publicId}/CreditNotes/1"), ("Credit note CN-000002", $"/Orders/{publicId}/CreditNotes/2")], links);
    }

    [Fact]
    public async Task Get_Order_Declined_HasNoInvoiceAndNoDeliveryState()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined");
        await using var db = Db();
        var order = await db.Orders.SingleAsync();

        var page = await shopper.Client.GetDocumentAsync($"/Orders/{order.PublicId}");

        Assert.Equal("failed", page.QuerySelector("#payment-state")!.GetAttribute("data-status"));
        Assert.Null(page.QuerySelector("#invoice-link"));
        Assert.Null(page.QuerySelector("#fulfilment-state"));
        Assert.Equal("Jana Schäfer", AddressLines(page)[0]);
    }

    private static List<string> AddressLines(IDocument page) =>
        page.QuerySelector("#ship-to")!.InnerHtml.Split("<br>").Select(l => WebUtility.HtmlDecode(l).Trim()).Where(l => l.Length > 0).ToList();
}
