using System.Globalization;
using System.Net;
using System.Text;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.VisualBasic.FileIO;

namespace CoffeeShop.Web.Tests.Pages.Admin;

public class PaymentsTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static List<string> RowIds(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("table.payments tbody tr").Select(r => r.GetAttribute("data-id")!).ToList();

    private async Task<List<PaymentRecord>> SeedManyAsync(int count, DateTimeOffset newest)
    {
        await using var db = Db();
        var rows = new List<PaymentRecord>();
        for (var i = 0; i < count; i++)
        {
            rows.Add(await PaymentSeed.AddAsync(db, newest.AddMinutes(-i), amount: 1000 + i, email: $"buyer{i}@example.com"));
        }

        return rows;
    }

    [Fact]
    public async Task Get_List_ShowsNewestFirstWithStripeDashboardLinks()
    {
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, Noon.AddHours(-2), email: "older@example.com", paymentIntentId: "pi_older");
            await PaymentSeed.AddAsync(db, Noon, email: "newer@example.com", paymentIntentId: "pi_newer", amount: 4630);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Payments");

        var rows = page.QuerySelectorAll("table.payments tbody tr").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("newer@example.com", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("€46.30", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 13:00", rows[0].TextContent, StringComparison.Ordinal); // Europe/Berlin
        Assert.Equal("https://dashboard.stripe.com/test/payments/pi_newer", rows[0].QuerySelector("a[href*='dashboard.stripe.com']")!.GetAttribute("href"));
        Assert.Contains("older@example.com", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_List_EachFilterNarrowsTheRows()
    {
        Dictionary<string, long> ids;
        await using (var db = Db())
        {
            ids = new()
            {
                ["paid"] = (await PaymentSeed.AddAsync(db, Noon, email: "ada@example.com", paymentIntentId: "pi_ada")).Id,
                ["failed"] = (await PaymentSeed.AddAsync(db, Noon.AddDays(-1), PaymentStatus.Failed, email: "bob@example.com")).Id,
                ["attention"] = (await PaymentSeed.AddAsync(db, Noon.AddDays(-2), PaymentStatus.NeedsAttention)).Id,
                ["disputed"] = (await PaymentSeed.AddAsync(db, Noon.AddDays(-3), PaymentStatus.Disputed)).Id,
                ["stuck"] = (await PaymentSeed.AddAsync(db, Noon.AddDays(-4), PaymentStatus.Pending)).Id,
                ["fresh"] = (await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow, PaymentStatus.Pending)).Id,
            };
        }

        var admin = await AdminSession.SignInAsync(Factory);
        async Task<List<long>> Ids(string query) => RowIds(await admin.GetDocumentAsync("/Admin/Payments" + query)).Select(long.Parse).Order().ToList();
        List<long> Expect(params string[] names) => names.Select(n => ids[n]).Order().ToList();

        Assert.Equal(Expect("failed"), await Ids("?status=Failed"));
        Assert.Equal(Expect("paid", "failed"), await Ids("?status=Failed&status=Succeeded"));
        Assert.Equal(Expect("attention", "disputed", "stuck"), await Ids("?attention=true"));
        Assert.Equal(Expect("paid"), await Ids("?q=pi_ada"));
        Assert.Equal(Expect("failed"), await Ids("?q=BOB@example.com"));
        Assert.Equal(Expect("attention"), await Ids("?q=" + await OrderReferenceAsync(ids["attention"])));
        Assert.Equal(Expect("failed", "attention"), await Ids("?from=2026-11-18&to=2026-11-19"));
    }

    private async Task<string> OrderReferenceAsync(long recordId)
    {
        await using var db = Db();
        return Order.FormatReference(await db.PaymentRecords.Where(p => p.Id == recordId).Select(p => p.OrderId).SingleAsync());
    }

    [Fact]
    public async Task Get_List_DateRangeFollowsTheShopTimeZone()
    {
        await using (var db = Db())
        {
            // 23:30 UTC on the 19th is 00:30 on the 20th in Berlin.
            await PaymentSeed.AddAsync(db, new DateTimeOffset(2026, 11, 19, 23, 30, 0, TimeSpan.Zero), email: "late@example.com");
        }

        var admin = await AdminSession.SignInAsync(Factory);

        Assert.Single(RowIds(await admin.GetDocumentAsync("/Admin/Payments?from=2026-11-20&to=2026-11-20")));
        Assert.Empty(RowIds(await admin.GetDocumentAsync("/Admin/Payments?from=2026-11-19&to=2026-11-19")));
    }

    [Fact]
    public async Task Get_List_FilteredByTwoStatuses_PagingAndExportLinksKeepEveryFilter()
    {
        await using (var db = Db())
        {
            // 90 payments, 60 of them failed or succeeded: two pages of that filter.
            for (var i = 0; i < 90; i++)
            {
                await PaymentSeed.AddAsync(db, Noon.AddMinutes(-i), i % 3 == 0 ? PaymentStatus.Failed : i % 3 == 1 ? PaymentStatus.Succeeded : PaymentStatus.Refunded, refunded: i % 3 == 2 ? 2500 : 0);
            }
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var first = await admin.GetDocumentAsync("/Admin/Payments?status=Failed&status=Succeeded&q=buyer@example.com");
        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var export = first.QuerySelector("#export")!.GetAttribute("href")!;

        foreach (var link in new[] { next, export })
        {
            Assert.Contains("status=Failed", link, StringComparison.Ordinal);
            Assert.Contains("status=Succeeded", link, StringComparison.Ordinal);
            Assert.Contains("q=buyer@example.com", Uri.UnescapeDataString(link), StringComparison.Ordinal);
        }

        Assert.Contains("handler=Export", export, StringComparison.Ordinal);
        var second = await admin.GetDocumentAsync(next);
        Assert.Equal(50, RowIds(first).Count);
        Assert.Equal(10, RowIds(second).Count);
        var csv = await admin.GetStringAsync(export);
        Assert.Equal(1 + 60, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Get_List_KeysetPagesStayStableWhileNewPaymentsArrive()
    {
        var seeded = await SeedManyAsync(120, Noon);
        var admin = await AdminSession.SignInAsync(Factory);

        var first = await admin.GetDocumentAsync("/Admin/Payments");
        var firstIds = RowIds(first);
        Assert.Equal(seeded.Take(50).Select(r => r.Id.ToString(CultureInfo.InvariantCulture)), firstIds);
        Assert.Null(first.QuerySelector("a[rel=prev]"));

        var second = await admin.GetDocumentAsync(first.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(seeded.Skip(50).Take(50).Select(r => r.Id.ToString(CultureInfo.InvariantCulture)), RowIds(second));

        await SeedManyAsync(3, Noon.AddMinutes(30));

        var third = await admin.GetDocumentAsync(second.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(seeded.Skip(100).Select(r => r.Id.ToString(CultureInfo.InvariantCulture)), RowIds(third));
        Assert.Null(third.QuerySelector("a[rel=next]"));

        var backToFirst = await admin.GetDocumentAsync(second.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
        Assert.Equal(firstIds, RowIds(backToFirst));
        Assert.NotNull(backToFirst.QuerySelector("a[rel=prev]"));
    }

    [Fact]
    public async Task Get_List_WithDateRange_ShowsTotalsOfTheFilteredRows()
    {
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, Noon, amount: 1000, refunded: 250);
            await PaymentSeed.AddAsync(db, Noon.AddHours(-1), amount: 2500);
            await PaymentSeed.AddAsync(db, Noon.AddDays(-5), amount: 9999);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Payments?from=2026-11-20&to=2026-11-20");

        Assert.Equal("€35.00", page.QuerySelector("#total-EUR")!.TextContent);
        Assert.Contains("in 2 payments, €2.50 refunded", page.QuerySelector(".totals")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_List_Empty_ShowsAClearEmptyState()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        Assert.Contains("No payments yet", (await admin.GetDocumentAsync("/Admin/Payments")).QuerySelector("#empty-state")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("No payments match", (await admin.GetDocumentAsync("/Admin/Payments?status=Refunded")).QuerySelector("#empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?status=Bogus")]
    [InlineData("?from=not-a-date")]
    [InlineData("?before=garbage_x")]
    public async Task Get_List_BadFilterValues_NeverFail(string query)
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await admin.GetAsync("/Admin/Payments" + query);

        Assert.True((int)response.StatusCode < 500, $"{query} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Get_Export_IsExactlyTheFilteredRowsQuotedAndSafeFromFormulas()
    {
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, Noon, email: "=cmd@example.com", items: "2 × Kiambu AA, 1 × \"House\" Espresso", amount: 4630, paymentIntentId: "pi_one");
            await PaymentSeed.AddAsync(db, Noon.AddMinutes(-1), items: "+1 × Decaf", amount: 1290, paymentIntentId: "pi_two");
            await PaymentSeed.AddAsync(db, Noon.AddMinutes(-2), items: "@SUM(A1)", amount: 500, paymentIntentId: "pi_three");
            await PaymentSeed.AddAsync(db, Noon.AddMinutes(-3), PaymentStatus.Failed, items: "-2 × Gayo", paymentIntentId: "pi_failed");
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var response = await admin.GetAsync("/Admin/Payments?status=Succeeded&handler=Export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal("created_at_utc", rows[0][0]);
        Assert.Equal(["pi_one", "pi_two", "pi_three"], rows.Skip(1).Select(r => r[10]));
        Assert.Equal("2026-11-20T12:00:00.000000Z", rows[1][0]);
        Assert.Equal("'=cmd@example.com", rows[1][2]);
        Assert.Equal("2 × Kiambu AA, 1 × \"House\" Espresso", rows[1][3]);
        Assert.Equal(["46.30", "EUR"], new[] { rows[1][4], rows[1][6] });
        Assert.Equal("'+1 × Decaf", rows[2][3]);
        Assert.Equal("'@SUM(A1)", rows[3][3]);
    }

    private static List<string[]> ParseCsv(string csv)
    {
        using var parser = new TextFieldParser(new MemoryStream(Encoding.UTF8.GetBytes(csv))) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        return rows;
    }

    [Fact]
    public async Task Get_Details_ShowsLinesAttemptsRefundsAndTimeline()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined");
        await shopper.PayAsync("ctoken_pm_card_visa");
        await using var db = Db();
        var paid = await db.PaymentRecords.SingleAsync(p => p.Status == PaymentStatus.Succeeded);

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{paid.Id}");

        Assert.Equal("Succeeded", page.QuerySelector("#payment-status")!.TextContent);
        Assert.Contains("Kiambu AA", page.QuerySelector("table")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll(".attempts li").Length);
        Assert.Contains("Pending → Succeeded", page.QuerySelector(".timeline")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("#refund-form"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/Admin/Payments/999999")).StatusCode);
    }
}
