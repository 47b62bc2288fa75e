using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Orders;

public class CreditNoteTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private async Task<PaymentRecord> PaidAsync(string email = "ada@example.com")
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync(ConfirmationTokens.Visa, email);
        await using var db = Db();
        return await db.PaymentRecords.AsNoTracking().Include(p => p.Order).SingleAsync(p => p.CustomerEmail == email);
    }

    private static async Task RefundAsync(HttpClient admin, PaymentRecord record, string amount)
    {
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        var response = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = amount });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    private static string Text(IDocument page, string selector) => page.QuerySelector(selector)!.TextContent.Trim();

    private static (int Rate, long Net, long Vat, long Gross) Row(IElement row) => (
        int.Parse(row.GetAttribute("data-rate")!, CultureInfo.InvariantCulture),
        long.Parse(row.QuerySelector("td.net")!.GetAttribute("data-minor")!, CultureInfo.InvariantCulture),
        long.Parse(row.QuerySelector("td.vat")!.GetAttribute("data-minor")!, CultureInfo.InvariantCulture),
        long.Parse(row.QuerySelector("td.gross")!.GetAttribute("data-minor")!, CultureInfo.InvariantCulture));

    private static List<(int Rate, long Net, long Vat, long Gross)> Rows(IDocument page) =>
        [.. page.QuerySelectorAll("table.vat-table tbody tr").Select(Row)];

    [Fact]
    public async Task Get_CreditNote_OneEuroOfASevenPercentOrder_CarriesSevenCentsOfVat()
    {
        var record = await PaidAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        await RefundAsync(admin, record, "1.00");

        var response = await Factory.CreateBrowserClient().GetAsync($"/Orders/{record.Order!.PublicId}/CreditNotes/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")!.GetAttribute("content"));
        Assert.Equal("Credit note CN-000001", Text(page, "h1"));
        Assert.Equal("INV-000001", Text(page, "#invoice-number"));
        Assert.Equal(record.Order.Reference, Text(page, "#order-reference"));
        Assert.Equal("CoffeeShop GmbH", Text(page, "#seller-name"));
        Assert.Equal("DE000000000", Text(page, "#seller-vat-id"));
        Assert.Equal([(700, 93L, 7L, 100L)], Rows(page));
        Assert.Equal("€1.00", Text(page, "table.vat-table tfoot td.gross"));
        Assert.StartsWith("€1.00 refunded", Text(page, "#refund"), StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#refund-reversed"));
    }

    [Fact]
    public async Task Get_CreditNote_PartialRefundOfAnOrderWithTwoRates_SplitsInProportionToTheCent()
    {
        SkipLedgerCheck("the order is written straight into the database, with no payment at Stripe behind it");
        Order order;
        await using (var db = Db())
        {
            // 33.80 of coffee at 7 %, 4.90 of shipping at 19 %; 10.00 back, dated just after midnight in Berlin.
            order = await InvoicedOrderSeed.AddAsync(db, new DateTimeOffset(2026, 3, 20, 10, 0, 0, TimeSpan.Zero),
                [(1690, 700), (1690, 700)], (490, 1900), (1000, new DateTimeOffset(2026, 3, 31, 22, 30, 0, TimeSpan.Zero)));
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync($"/Orders/{order.PublicId}/CreditNotes/1");

        // 10.00 × 4.90 / 38.70 = 1.2661 and 10.00 × 33.80 / 38.70 = 8.7339: 1.26 + 8.73 leaves a cent, which goes to
        // the larger remainder (.61 against .39): 1.27 at 19 % (VAT 0.20) and 8.73 at 7 % (VAT 0.57).
        Assert.Equal([(1900, 107L, 20L, 127L), (700, 816L, 57L, 873L)], Rows(page));
        Assert.Equal(1000, InvoiceTests.AssertVatRowsAddUp(page));
        Assert.Equal("1 April 2026", Text(page, "#credit-note-date"));
        Assert.Equal("Credit note CN-000001", Text(page, "h1"));
    }

    [Fact]
    public async Task Get_CreditNote_NumberOfAnotherOrderOrOfNoRefund_IsNotFound()
    {
        var ada = await PaidAsync("ada@example.com");
        var bob = await PaidAsync("bob@example.com");
        var admin = await AdminSession.SignInAsync(Factory);
        await RefundAsync(admin, ada, "1.00");
        await RefundAsync(admin, bob, "2.00");
        var client = Factory.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/Orders/{ada.Order!.PublicId}/CreditNotes/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/Orders/{bob.Order!.PublicId}/CreditNotes/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{bob.Order.PublicId}/CreditNotes/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Orders/{ada.Order.PublicId}/CreditNotes/99999999999999999999")).StatusCode);
    }

    [Fact]
    public async Task Get_CreditNote_FailedRefund_HasNoCreditNote()
    {
        var record = await PaidAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        // Stripe has already given everything back (from its Dashboard, webhook not yet arrived): it refuses the admin's refund.
        var dashboard = new global::Stripe.RefundService(new global::Stripe.StripeClient(new global::Stripe.StripeClientOptions
        {
            ApiKey = FakeStripeApi.SecretKey,
            ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
        }));
        var all = await dashboard.CreateAsync(new global::Stripe.RefundCreateOptions { PaymentIntent = record.PaymentIntentId });
        await RefundAsync(admin, record, "1.00");
        await Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(all.Id)));

        await using var db = Db();
        Assert.Equal([("failed", (long?)null), ("succeeded", 1L)], await db.Refunds.OrderBy(r => r.CreatedAt).Select(r => new ValueTuple<string, long?>(r.Status, r.CreditNoteNumber)).ToListAsync());
        var page = await Factory.CreateBrowserClient().GetDocumentAsync($"/Orders/{record.Order!.PublicId}/CreditNotes/1");
        Assert.Equal(record.AmountMinor, InvoiceTests.AssertVatRowsAddUp(page));
    }

    [Fact]
    public async Task Webhook_RepeatedForARefund_KeepsTheCreditNotesDate()
    {
        var record = await PaidAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        await RefundAsync(admin, record, "1.00");
        var issued = new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
        await using (var db = Db())
        {
            await db.Refunds.ExecuteUpdateAsync(s => s.SetProperty(r => r.UpdatedAt, issued));
        }

        var refund = Assert.Single(Stripe.Refunds);
        await Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("refund.updated", Stripe.RefundJson(refund.Id)));

        var page = await Factory.CreateBrowserClient().GetDocumentAsync($"/Orders/{record.Order!.PublicId}/CreditNotes/1");
        Assert.Equal("10 January 2026", Text(page, "#credit-note-date"));
    }
}
