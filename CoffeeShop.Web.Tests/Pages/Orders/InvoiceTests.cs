using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Orders;

public class InvoiceTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private async Task<PaymentRecord> PaidAsync(string token = ConfirmationTokens.Visa, int quantity = 2)
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", quantity);
        await shopper.PayAsync(token);
        await using var db = Db();
        return await db.PaymentRecords.AsNoTracking().Include(p => p.Order).ThenInclude(o => o!.Lines).OrderByDescending(p => p.Id).FirstAsync();
    }

    private async Task ShipToAsync(long orderId, ShippingAddress address)
    {
        await using var db = Db();
        var order = await db.Orders.SingleAsync(o => o.Id == orderId);
        order.SetShipTo(address);
        await db.SaveChangesAsync();
    }

    private static string Text(IDocument page, string selector) => page.QuerySelector(selector)!.TextContent.Trim();

    private static long Minor(IElement row, string cell) =>
        long.Parse(row.QuerySelector($"td.{cell}")!.GetAttribute("data-minor")!, CultureInfo.InvariantCulture);

    /// <summary>Each VAT row adds up (net + VAT = gross, VAT as the one rounding rule has it); answers the grosses' sum.</summary>
    internal static long AssertVatRowsAddUp(IDocument page)
    {
        var rows = page.QuerySelectorAll("table.vat-table tbody tr");
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var rate = int.Parse(row.GetAttribute("data-rate")!, CultureInfo.InvariantCulture);
            Assert.Equal(Minor(row, "gross"), Minor(row, "net") + Minor(row, "vat"));
            Assert.Equal(Vat.IncludedIn(Minor(row, "gross"), rate), Minor(row, "vat"));
        }

        var total = page.QuerySelector("table.vat-table tfoot tr")!;
        Assert.Equal(rows.Sum(r => Minor(r, "net")), Minor(total, "net"));
        Assert.Equal(rows.Sum(r => Minor(r, "vat")), Minor(total, "vat"));
        Assert.Equal(rows.Sum(r => Minor(r, "gross")), Minor(total, "gross"));
        return Minor(total, "gross");
    }

    [Fact]
    public async Task Get_Invoice_PaidOrder_ShowsSellerNumberAddressAndVatAddingUpToWhatStripeCharged()
    {
        var record = await PaidAsync();
        var order = record.Order!;
        await ShipToAsync(order.Id, new ShippingAddress("Ada Lovelace", "Marienstraße 12", "2nd floor", "10117", "Berlin", "DE", null));

        var response = await Factory.CreateBrowserClient().GetAsync($"/Orders/{order.PublicId}/Invoice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")!.GetAttribute("content"));
        Assert.Equal("Invoice INV-000001", Text(page, "h1"));
        Assert.Equal("CoffeeShop GmbH", Text(page, "#seller-name"));
        Assert.Equal(["Röstereistraße 1", "10115 Berlin", "Germany"], page.QuerySelectorAll("#seller-address .line").Select(l => l.TextContent));
        Assert.Equal("DE000000000", Text(page, "#seller-vat-id"));
        Assert.Equal(TimeZoneInfo.ConvertTime(order.PaidAt!.Value, Berlin).ToString("d MMMM yyyy", CultureInfo.InvariantCulture), Text(page, "#invoice-date"));
        Assert.Equal(order.Reference, Text(page, "#order-reference"));
        Assert.Equal(["Ada Lovelace", "Marienstraße 12", "2nd floor", "10117 Berlin", "Germany"], page.QuerySelectorAll("#customer .line").Select(l => l.TextContent));
        Assert.Contains("Kiambu AA", Text(page, "table.order-lines tbody"), StringComparison.Ordinal);
        Assert.Equal(order.Total.ToString(), Text(page, "#order-total"));
        var charged = Stripe.FindPaymentIntent(record.PaymentIntentId!)!;
        Assert.Equal(charged.Amount, AssertVatRowsAddUp(page));
        Assert.Equal(order.TotalMinor, charged.Amount);
        Assert.Equal($"Paid by card on {Text(page, "#invoice-date")} (visa ending in 4242).", Text(page, "#payment"));
    }

    [Fact]
    public async Task Get_Invoice_OrderWithTwoVatRates_ShowsEachRateAddingUpToTheTotal()
    {
        SkipLedgerCheck("the order is written straight into the database, with no payment at Stripe behind it");
        Order order;
        await using (var db = Db())
        {
            order = await InvoicedOrderSeed.AddAsync(db, new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero),
                [(1690, 700), (1690, 700), (999, 1900)], (490, 1900));
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync($"/Orders/{order.PublicId}/Invoice");

        Assert.Equal(order.TotalMinor, AssertVatRowsAddUp(page));
        Assert.Equal(["1900", "700"], page.QuerySelectorAll("table.vat-table tbody tr").Select(r => r.GetAttribute("data-rate")));
        // 23:30 UTC on 31 January is past midnight in Berlin.
        Assert.Equal("1 February 2026", Text(page, "#invoice-date"));
        Assert.Equal("Paid by card on 1 February 2026 (mastercard ending in 4444).", Text(page, "#payment"));
    }

    [Fact]
    public async Task Get_Invoice_OrderFromBeforeAddresses_ShowsTheEmail()
    {
        var record = await PaidAsync();
        await using (var db = Db())
        {
            // Orders paid before the checkout asked for an address have none.
            await db.Orders.Where(o => o.Id == record.OrderId).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.ShipName, (string?)null).SetProperty(o => o.ShipLine1, (string?)null).SetProperty(o => o.ShipPostalCode, (string?)null)
                .SetProperty(o => o.ShipCity, (string?)null).SetProperty(o => o.ShipCountry, (string?)null));
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync($"/Orders/{record.Order!.PublicId}/Invoice");

        Assert.Equal(["ada@example.com"], page.QuerySelectorAll("#customer .line").Select(l => l.TextContent));
    }

    [Fact]
    public async Task Get_Invoice_OrderNotPaidOrUnknown_IsNotFound()
    {
        var declined = await PaidAsync(ConfirmationTokens.Declined);
        var client = Factory.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{declined.Order!.PublicId}/Invoice")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{declined.Order!.PublicId}/CreditNotes/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Orders/no-such-order/Invoice")).StatusCode);
        // The order's own page still answers: only the documents wait for the payment.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/Orders/{declined.Order!.PublicId}")).StatusCode);
    }

    [Fact]
    public async Task Get_Invoice_NameWithMarkup_IsShownAsText()
    {
        const string name = "<script>alert('x')</script> & <b>Co</b>";
        var record = await PaidAsync();
        await ShipToAsync(record.OrderId, new ShippingAddress(name, "<img src=x onerror=alert(1)>", null, "10117", "Berlin", "DE", null));

        var response = await Factory.CreateBrowserClient().GetAsync($"/Orders/{record.Order!.PublicId}/Invoice");
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal(name, page.QuerySelectorAll("#customer .line")[0].TextContent);
        Assert.Empty(page.QuerySelectorAll("#customer script, #customer b, #customer img"));
    }

    [Fact]
    public async Task Get_Invoice_AsAnAdmin_IsTheSameDocument()
    {
        var record = await PaidAsync();
        var admin = await AdminSession.SignInAsync(Factory);

        var page = await admin.GetDocumentAsync($"/Orders/{record.Order!.PublicId}/Invoice");

        Assert.Equal("Invoice INV-000001", Text(page, "h1"));
    }
}
