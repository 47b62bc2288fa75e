using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>The admin's fulfilment steps on /Admin/Orders/{id}: pack, ship, deliver, cancel and refund.</summary>
public class FulfilmentTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const long Paid = (2 * 1690) + 490; // two bags and shipping to Germany
    private const string Admin = "admin@coffeeshop.test";

    /// <summary>A customer pays for two bags through the real checkout; the order gets an address as the checkout gives one.</summary>
    private async Task<long> PaidOrderAsync()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa");
        await using var db = Db();
        var order = await db.Orders.OrderByDescending(o => o.Id).FirstAsync();
        Assert.Equal(FulfilmentStatus.ToPack, order.Fulfilment);
        await db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.ShipName, "Ada Lovelace").SetProperty(o => o.ShipLine1, "Röstereistraße 1")
            .SetProperty(o => o.ShipPostalCode, "10115").SetProperty(o => o.ShipCity, "Berlin").SetProperty(o => o.ShipCountry, "DE"));
        return order.Id;
    }

    private async Task<Order> OrderAsync(long id)
    {
        await using var db = Db();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    private async Task<List<OrderEvent>> EventsAsync(long id)
    {
        await using var db = Db();
        return await db.OrderEvents.AsNoTracking().Where(e => e.OrderId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync();
    }

    private async Task<long> CountAsync(FulfilmentStatus status)
    {
        await using var db = Db();
        return await db.Database.SqlQuery<long>($"SELECT orders AS \"Value\" FROM order_fulfilment_counts WHERE fulfilment = {status.ToString()}").SingleAsync();
    }

    private static Task<IDocument> DetailsAsync(HttpClient admin, long id) => admin.GetDocumentAsync($"/Admin/Orders/{id}");

    private static async Task<(HttpResponseMessage Response, IDocument Page)> StepAsync(HttpClient admin, long id, string form,
        Dictionary<string, string?>? values = null)
    {
        var page = await DetailsAsync(admin, id);
        var response = await admin.SubmitAsync(page.Form(form), values);
        return (response, response.StatusCode == HttpStatusCode.SeeOther ? await admin.FollowRedirectAsync(response) : await HtmlForms.ParseAsync(response));
    }

    private static Dictionary<string, string?> Shipping(string carrier = "DHL", string tracking = "JD0123456789") =>
        new() { ["Step.Carrier"] = carrier, ["Step.TrackingNumber"] = tracking };

    [Fact]
    public async Task Post_Pack_FromToPack_MovesToPackedWithTimelineActorAndCounts()
    {
        var id = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        Assert.Equal((1, 0), (await CountAsync(FulfilmentStatus.ToPack), await CountAsync(FulfilmentStatus.Packed)));

        var (response, page) = await StepAsync(admin, id, "#pack-form");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("is now Packed", page.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Packed", page.QuerySelector("#fulfilment-status")!.TextContent);
        var order = await OrderAsync(id);
        Assert.Equal(FulfilmentStatus.Packed, order.Fulfilment);
        Assert.NotNull(order.PackedAt);
        var packed = (await EventsAsync(id))[^1];
        Assert.Equal((Admin, FulfilmentStatus.ToPack, FulfilmentStatus.Packed), (packed.Actor, packed.FromStatus, packed.ToStatus));
        Assert.Contains($"{Admin} Paid, to pack → Packed", page.QuerySelector("#timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Equal((0, 1), (await CountAsync(FulfilmentStatus.ToPack), await CountAsync(FulfilmentStatus.Packed)));
        // Only the steps that come next are offered.
        Assert.Null(page.QuerySelector("#pack-form"));
        Assert.NotNull(page.QuerySelector("#ship-form"));
        Assert.NotNull(page.QuerySelector("#cancel-form"));
        Assert.Null(page.QuerySelector("#deliver-form"));
    }

    [Fact]
    public async Task Post_ShipThenDeliver_StoresCarrierTrackingLinkAndTheWholeTimeline()
    {
        var id = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        await StepAsync(admin, id, "#pack-form");

        var (shipped, page) = await StepAsync(admin, id, "#ship-form", Shipping("DPD", "  01234 5678-90  "));

        Assert.Equal(HttpStatusCode.SeeOther, shipped.StatusCode);
        var order = await OrderAsync(id);
        Assert.Equal((FulfilmentStatus.Shipped, "DPD", "01234 5678-90"), (order.Fulfilment, order.Carrier, order.TrackingNumber));
        Assert.Equal("https://tracking.dpd.de/status/en_US/parcel/01234%205678-90", order.TrackingUrl);
        Assert.Equal(order.TrackingUrl, page.QuerySelector("#tracking a")!.GetAttribute("href"));
        Assert.NotNull(page.QuerySelector("#deliver-form"));
        Assert.Null(page.QuerySelector("#cancel-form"));

        var (delivered, final) = await StepAsync(admin, id, "#deliver-form");

        Assert.Equal(HttpStatusCode.SeeOther, delivered.StatusCode);
        Assert.Equal(FulfilmentStatus.Delivered, (await OrderAsync(id)).Fulfilment);
        Assert.NotNull((await OrderAsync(id)).DeliveredAt);
        var events = await EventsAsync(id);
        Assert.Equal([null, FulfilmentStatus.ToPack, FulfilmentStatus.Packed, FulfilmentStatus.Shipped], events.Select(e => e.FromStatus));
        Assert.Equal(["shop", Admin, Admin, Admin], events.Select(e => e.Actor));
        Assert.Contains("Shipped with DPD, tracking number 01234 5678-90", events[2].Note, StringComparison.Ordinal);
        Assert.Equal(4, final.QuerySelectorAll("#timeline li").Length);
        Assert.Empty(final.QuerySelectorAll(".step-form"));
        Assert.Equal(1, await CountAsync(FulfilmentStatus.Delivered));
    }

    [Fact]
    public async Task Post_Cancel_DoubleSubmitted_CancelsOnceRefundsOnceAtStripeAndKeepsTheBagsSold()
    {
        var id = await PaidOrderAsync();
        var stockAfterSale = await StockAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var page = await DetailsAsync(admin, id);
        var form = page.Form("#cancel-form");

        var responses = await Task.WhenAll(admin.SubmitAsync(form), admin.SubmitAsync(form));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        var refund = Assert.Single(Stripe.Refunds);
        Assert.Equal(Paid, refund.Amount);
        Assert.Equal("requested_by_customer", Assert.Single(Stripe.Requests, r => r.Path == "/v1/refunds").Form["reason"]);
        var order = await OrderAsync(id);
        Assert.Equal(FulfilmentStatus.Canceled, order.Fulfilment);
        Assert.NotNull(order.CanceledAt);
        Assert.Single(await EventsAsync(id), e => e.ToStatus == FulfilmentStatus.Canceled);
        await using (var db = Db())
        {
            var payment = await db.PaymentRecords.SingleAsync(p => p.OrderId == id);
            Assert.Equal((PaymentStatus.Refunded, Paid, StockReservation.Sold), (payment.Status, payment.RefundedMinor, payment.StockReservation));
        }

        Assert.Equal(stockAfterSale, await StockAsync());
        var after = await DetailsAsync(admin, id);
        Assert.Null(after.QuerySelector("#still-to-refund"));
        Assert.Empty(after.QuerySelectorAll(".step-form"));
        Assert.Equal(1, await CountAsync(FulfilmentStatus.Canceled));
    }

    [Fact]
    public async Task Post_Cancel_WithReturnToStock_PutsTheBagsBack()
    {
        var id = await PaidOrderAsync();
        var stockAfterSale = await StockAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);

        var (response, page) = await StepAsync(admin, id, "#cancel-form", new() { ["Step.ReturnToStock"] = "true", ["Step.Reason"] = "fraudulent" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("The bags are back in stock", page.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(stockAfterSale + 2, await StockAsync());
        Assert.Equal("fraudulent", Assert.Single(Stripe.Requests, r => r.Path == "/v1/refunds").Form["reason"]);
        Assert.Contains("Refunded €38.70", page.QuerySelector("#timeline")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Cancel_FromPackedWhenStripeRefuses_StaysCanceledAndShowsTheMoneyStillToRefund()
    {
        var id = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        await StepAsync(admin, id, "#pack-form");
        Stripe.FailNext(1, 400);

        var (response, page) = await StepAsync(admin, id, "#cancel-form");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(FulfilmentStatus.Canceled, (await OrderAsync(id)).Fulfilment);
        var warning = page.QuerySelector("#still-to-refund")!;
        Assert.Contains("€38.70", warning.TextContent, StringComparison.Ordinal);
        await using var db = Db();
        var payment = await db.PaymentRecords.SingleAsync(p => p.OrderId == id);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal($"/Admin/Payments/{payment.Id}", warning.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(Stripe.Refunds);
    }

    [Fact]
    public async Task Post_Pack_TwoAdminsAtOnce_ExactlyOneAppliesWithOneEvent()
    {
        var id = await PaidOrderAsync();
        var first = await AdminSession.SignInAsync(Factory, "first@coffeeshop.test");
        var second = await AdminSession.SignInAsync(Factory, "second@coffeeshop.test");
        var firstForm = (await DetailsAsync(first, id)).Form("#pack-form");
        var secondForm = (await DetailsAsync(second, id)).Form("#pack-form");

        var responses = await Task.WhenAll(first.SubmitAsync(firstForm), second.SubmitAsync(secondForm));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        var packed = Assert.Single(await EventsAsync(id), e => e.ToStatus == FulfilmentStatus.Packed);
        var notices = new[] { await first.FollowRedirectAsync(responses[0]), await second.FollowRedirectAsync(responses[1]) }
            .Select(p => p.QuerySelector(".notice")!.TextContent).ToList();
        Assert.Single(notices, n => n.Contains("is now Packed", StringComparison.Ordinal));
        Assert.Single(notices, n => n.Contains($"This order is already Packed (by {packed.Actor} at", StringComparison.Ordinal)
            && n.Contains("nothing was changed", StringComparison.Ordinal));
        Assert.Equal(1, await CountAsync(FulfilmentStatus.Packed));
    }

    private async Task<int> StockAsync()
    {
        await using var db = Db();
        return await db.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.Stock).SingleAsync();
    }
}
