using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Pages.Admin.Orders;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.VisualBasic.FileIO;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>The admins' home, /Admin/Orders: filters and their counts, search, keyset paging, packing slips and the CSV export.</summary>
public partial class OrdersDeskTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A paid order (one payment record), shipping to <paramref name="name"/>, paid at <paramref name="paidAt"/>, moved to <paramref name="status"/>.</summary>
    private async Task<long> OrderAsync(DateTimeOffset paidAt, string name = "Ada Lovelace", string email = "ada@example.com", string postalCode = "10115",
        FulfilmentStatus status = FulfilmentStatus.ToPack, long amount = 2500)
    {
        await using var db = Db();
        var record = await PaymentSeed.AddAsync(db, paidAt, email: email, amount: amount);
        await db.Orders.Where(o => o.Id == record.OrderId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.ShipName, name).SetProperty(o => o.ShipLine1, "Röstereistraße 1").SetProperty(o => o.ShipPostalCode, postalCode)
            .SetProperty(o => o.ShipCity, "Berlin").SetProperty(o => o.ShipCountry, "DE").SetProperty(o => o.ShipPhone, "+49 30 1234567"));
        if (status != FulfilmentStatus.ToPack)
        {
            var shipped = status is FulfilmentStatus.Shipped or FulfilmentStatus.Delivered;
            await db.Orders.Where(o => o.Id == record.OrderId).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Fulfilment, status)
                .SetProperty(o => o.Carrier, shipped ? "DHL" : null)
                .SetProperty(o => o.TrackingNumber, shipped ? "JD0123456789" : null)
                .SetProperty(o => o.ShippedAt, shipped ? paidAt : null));
        }

        return record.OrderId;
    }

    private static List<long> RowIds(IDocument page) =>
        page.QuerySelectorAll("table.orders tbody tr").Select(r => long.Parse(r.GetAttribute("data-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static string Count(IDocument page, DeskView view) => page.QuerySelector($"#view-{view} .count")!.TextContent;

    [Fact]
    public async Task Get_Admin_OpensTheOrdersDeskWhichIsTheFirstNavItemAndTheDashboardKeepsItsOwn()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var home = await admin.GetDocumentAsync("/Admin");

        Assert.Equal("Orders", home.QuerySelector("h1")!.TextContent);
        var nav = home.QuerySelectorAll(".admin-nav a").ToList();
        Assert.Equal(("Orders", "/Admin/Orders"), (nav[0].TextContent, nav[0].GetAttribute("href")));
        var dashboard = Assert.Single(nav, a => a.TextContent == "Dashboard").GetAttribute("href")!;
        Assert.Equal("/Admin/Dashboard", dashboard);
        Assert.Equal("Dashboard", (await admin.GetDocumentAsync(dashboard)).QuerySelector("h1")!.TextContent);
        Assert.NotNull(home.QuerySelector("#empty-state"));
    }

    [Fact]
    public async Task Get_Desk_ShowsPaidOrdersNewestFirstWithTheirColumns()
    {
        var older = await OrderAsync(Noon.AddHours(-2), name: "Grace Hopper", postalCode: "80331");
        var newer = await OrderAsync(Noon, amount: 4630);
        await using (var db = Db())
        {
            // An order never paid is not on the desk.
            await PaymentSeed.AddAsync(db, Noon.AddMinutes(5), PaymentStatus.Failed);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Orders");

        Assert.Equal([newer, older], RowIds(page));
        var cells = page.QuerySelectorAll("table.orders tbody tr")[0].Children.Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(Order.FormatReference(newer), cells[0]);
        Assert.Equal($"/Admin/Orders/{newer}", page.QuerySelector("table.orders tbody tr a")!.GetAttribute("href"));
        Assert.Equal("2026-11-20 13:00", cells[1]); // Europe/Berlin
        Assert.Equal(["Ada Lovelace", "10115 DE", "1", "€46.30", "Paid, to pack"], cells[2..]);
        Assert.Equal("2", Count(page, DeskView.All));
    }

    [Fact]
    public async Task Get_Desk_EachFilterShowsItsOrdersAndItsCountAndCountsFollowTheSteps()
    {
        var ids = new Dictionary<string, long>
        {
            ["to pack"] = await OrderAsync(Noon),
            ["packed"] = await OrderAsync(Noon.AddMinutes(-1), status: FulfilmentStatus.Packed),
            ["shipped"] = await OrderAsync(Noon.AddMinutes(-2), status: FulfilmentStatus.Shipped),
            ["delivered"] = await OrderAsync(Noon.AddMinutes(-3), status: FulfilmentStatus.Delivered),
            ["canceled"] = await OrderAsync(Noon.AddMinutes(-4), status: FulfilmentStatus.Canceled),
            ["to pack, attention"] = await OrderAsync(Noon.AddMinutes(-5)),
        };
        await using (var db = Db())
        {
            // Money that arrived twice for one paid order: its second record waits for an admin.
            db.PaymentRecords.Add(new PaymentRecord
            {
                OrderId = ids["to pack, attention"], Attempt = 2, Status = PaymentStatus.NeedsAttention, AmountMinor = 2500, Currency = "EUR",
                CustomerEmail = "ada@example.com", ItemsSummary = "1 × Kiambu AA", AttentionReason = "duplicate_payment: test",
                PaymentIntentId = "pi_duplicate", CreatedAt = Noon, UpdatedAt = Noon,
            });
            await db.SaveChangesAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var expected = new Dictionary<DeskView, long[]>
        {
            [DeskView.All] = [.. ids.Values],
            [DeskView.ToPack] = [ids["to pack"], ids["to pack, attention"]],
            [DeskView.Packed] = [ids["packed"]],
            [DeskView.Shipped] = [ids["shipped"]],
            [DeskView.Delivered] = [ids["delivered"]],
            [DeskView.Canceled] = [ids["canceled"]],
            [DeskView.NeedsAttention] = [ids["to pack, attention"]],
        };
        var all = await admin.GetDocumentAsync("/Admin/Orders");
        foreach (var (view, orders) in expected)
        {
            var page = await admin.GetDocumentAsync(all.QuerySelector($"#view-{view}")!.GetAttribute("href")!);
            Assert.Equal(orders, RowIds(page));
            Assert.Equal(orders.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Count(all, view));
            Assert.Equal("page", page.QuerySelector($"#view-{view}")!.GetAttribute("aria-current"));
        }

        Assert.Single(all.QuerySelectorAll(".attention-marker"));
        Assert.NotNull(all.QuerySelector($"tr[data-id='{ids["to pack, attention"]}'] .attention-marker"));

        await using (var db = Db())
        {
            await db.Orders.Where(o => o.Id == ids["to pack"]).ExecuteUpdateAsync(s => s.SetProperty(o => o.Fulfilment, FulfilmentStatus.Packed));
        }

        var after = await admin.GetDocumentAsync("/Admin/Orders");
        Assert.Equal(("1", "2", "6"), (Count(after, DeskView.ToPack), Count(after, DeskView.Packed), Count(after, DeskView.All)));
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("reference lower-case")]
    [InlineData("email")]
    [InlineData("name prefix")]
    [InlineData("name prefix upper-case")]
    [InlineData("postal code")]
    public async Task Get_Desk_SearchFindsTheOrder(string by)
    {
        var wanted = await OrderAsync(Noon, name: "Ada Lovelace", email: "ada@example.com", postalCode: "SW1A 1AA");
        await OrderAsync(Noon.AddMinutes(-1), name: "Grace Hopper", email: "grace@example.com", postalCode: "10115");
        await OrderAsync(Noon.AddMinutes(-2), name: "Adaline_x%", email: "adaline@example.com", postalCode: "80331");
        var q = by switch
        {
            "reference" => Order.FormatReference(wanted),
            "reference lower-case" => Order.FormatReference(wanted).ToLowerInvariant(),
            "email" => "ADA@Example.com",
            "name prefix" => "ada lov",
            "name prefix upper-case" => "ADA L",
            _ => "sw1a 1aa",
        };

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Orders?q={Uri.EscapeDataString(q)}");

        Assert.Equal([wanted], RowIds(page));
    }

    [Fact]
    public async Task Get_Desk_SearchTreatsLikeWildcardsAsLettersAndStaysInTheFilter()
    {
        var literal = await OrderAsync(Noon, name: "Ada_x%");
        await OrderAsync(Noon.AddMinutes(-1), name: "Adam");
        var packed = await OrderAsync(Noon.AddMinutes(-2), name: "Ada Packed", status: FulfilmentStatus.Packed);
        var admin = await AdminSession.SignInAsync(Factory);

        Assert.Equal([literal], RowIds(await admin.GetDocumentAsync("/Admin/Orders?q=ada_")));
        Assert.Empty(RowIds(await admin.GetDocumentAsync("/Admin/Orders?q=%25")));
        Assert.Equal([packed], RowIds(await admin.GetDocumentAsync("/Admin/Orders?show=Packed&q=ada")));
    }

    [Theory]
    [InlineData("?show=Bogus")]
    [InlineData("?show=99")]
    [InlineData("?q=%01")]
    public async Task Get_Desk_BadFilter_Is400WithAMessage(string query)
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await admin.GetAsync("/Admin/Orders" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(response)).QuerySelector("#filter-errors:not([hidden])"));
    }

    [Theory]
    [InlineData("?before=garbage")]
    [InlineData("?after=1_x")]
    [InlineData("?before=99999999999999999999_1")]
    public async Task Get_Desk_CursorThatDoesNotParse_IsIgnored(string query)
    {
        await OrderAsync(Noon);
        var admin = await AdminSession.SignInAsync(Factory);

        Assert.Single(RowIds(await admin.GetDocumentAsync("/Admin/Orders" + query)));
    }

    [Fact]
    public async Task Get_Desk_KeysetPagesStayStableWhileNewOrdersArrive()
    {
        var ids = new List<long>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await OrderAsync(Noon.AddMinutes(-i)));
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var first = await admin.GetDocumentAsync("/Admin/Orders?show=ToPack");
        Assert.Equal(ids[..50], RowIds(first));
        Assert.Null(first.QuerySelector("a[rel=prev]"));
        var nextUrl = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        Assert.Matches(NextLink(), nextUrl);

        // New orders arrive while the admin reads: the pages further down do not shift.
        for (var i = 1; i <= 5; i++)
        {
            await OrderAsync(Noon.AddMinutes(i));
        }

        var second = await admin.GetDocumentAsync(nextUrl);
        Assert.Equal(ids[50..100], RowIds(second));
        var third = await admin.GetDocumentAsync(second.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(ids[100..], RowIds(third));
        Assert.Null(third.QuerySelector("a[rel=next]"));
        var back = await admin.GetDocumentAsync(third.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
        Assert.Equal(ids[50..100], RowIds(back));
    }

    [GeneratedRegex(@"^/Admin/Orders\?show=ToPack&before=[0-9]+_[0-9]+$")]
    private static partial Regex NextLink();

    [Fact]
    public async Task Get_PackingSlip_ShowsShopOrderAddressAndLinesWithoutPrices()
    {
        var id = await OrderAsync(Noon, name: "Ada Lovelace", amount: 4630);
        var admin = await AdminSession.SignInAsync(Factory);

        var page = await admin.GetDocumentAsync($"/Admin/Orders/{id}/PackingSlip");

        var slip = page.QuerySelector(".packing-slip")!;
        Assert.Equal("CoffeeShop", slip.QuerySelector(".slip-shop")!.TextContent);
        Assert.Contains(Order.FormatReference(id), slip.QuerySelector("h2")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", slip.TextContent, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", slip.QuerySelector("address")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("10115 Berlin", slip.QuerySelector("address")!.TextContent, StringComparison.Ordinal);
        var line = slip.QuerySelectorAll(".slip-lines tbody tr").Single();
        Assert.Equal(["Kiambu AA", "1", ""], line.Children.Select(c => c.TextContent.Trim()));
        Assert.NotNull(line.QuerySelector(".tick"));
        Assert.DoesNotContain("€", slip.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/Admin/Orders/999999/PackingSlip")).StatusCode);
    }

    [Fact]
    public async Task Get_PackingSlips_PrintsEveryOrderToPackOldestFirstOnePerPage()
    {
        var newest = await OrderAsync(Noon);
        var oldest = await OrderAsync(Noon.AddHours(-3));
        await OrderAsync(Noon.AddHours(-2), status: FulfilmentStatus.Packed);
        var middle = await OrderAsync(Noon.AddHours(-1));
        var admin = await AdminSession.SignInAsync(Factory);

        var desk = await admin.GetDocumentAsync("/Admin/Orders");
        var page = await admin.GetDocumentAsync(desk.QuerySelector("#print-all")!.GetAttribute("href")!);

        Assert.Equal([oldest, middle, newest], page.QuerySelectorAll(".packing-slip").Select(s => long.Parse(s.GetAttribute("data-id")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(page.QuerySelector("#capped"));
        var css = await admin.GetStringAsync(page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!);
        Assert.Matches(@"@media print \{[^@]*\.site-header[^}]*display: none", css);
        Assert.Matches(@"@media print \{[^@]*\.packing-slip \{[^}]*break-after: page", css);
    }

    [Fact]
    public async Task Get_Export_IsTheCurrentViewWithCarrierColumnsAndFormulaSafeCellsStreamed()
    {
        var hostile = await OrderAsync(Noon, name: "=HYPERLINK(\"https://evil.example\",\"x\")", email: "eve@example.com", amount: 4630);
        var plain = await OrderAsync(Noon.AddMinutes(-1), name: "Ada Lovelace", postalCode: "SW1A 1AA");
        await OrderAsync(Noon.AddMinutes(-2), name: "Grace Hopper", status: FulfilmentStatus.Shipped);
        var admin = await AdminSession.SignInAsync(Factory);
        var desk = await admin.GetDocumentAsync("/Admin/Orders?show=ToPack");

        var response = await admin.GetAsync(desk.QuerySelector("#export")!.GetAttribute("href")!, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment; filename=\"orders-", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        // Written while it is read: no length known up front.
        Assert.Null(response.Content.Headers.ContentLength);
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(OrderCsv.Header, rows[0]);
        Assert.Equal([Order.FormatReference(hostile), Order.FormatReference(plain)], rows.Skip(1).Select(r => r[0]));
        Assert.Equal("'=HYPERLINK(\"https://evil.example\",\"x\")", rows[1][1]);
        Assert.Equal(["Ada Lovelace", "Röstereistraße 1", "", "SW1A 1AA", "Berlin", "DE", "'+49 30 1234567", "ada@example.com", "ToPack"], rows[2][1..10]);
        Assert.Equal(["2026-11-20T12:00:00.000000Z", "46.30", "EUR"], rows[1][10..]);

        var searched = ParseCsv(await admin.GetStringAsync($"/Admin/Orders/Export?q={Uri.EscapeDataString("sw1a 1aa")}"));
        Assert.Equal([Order.FormatReference(plain)], searched.Skip(1).Select(r => r[0]));
        Assert.Equal(4, ParseCsv(await admin.GetStringAsync("/Admin/Orders/Export")).Count);
    }

    [Fact]
    public async Task Export_DefaultViewQuery_IsTheDocumentedSelect()
    {
        await using var db = Db();

        var sql = OrderCsv.Project(new DeskFilter().Apply(db.Orders.AsNoTracking(), db.PaymentRecords)).ToQueryString();

        Assert.Equal(Normalized(OrderCsv.DefaultSelect), Normalized(sql));
    }

    private static string Normalized(string sql) => Whitespace().Replace(sql, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static List<string[]> ParseCsv(string csv)
    {
        using var parser = new TextFieldParser(new MemoryStream(Encoding.UTF8.GetBytes(csv))) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        return rows;
    }
}
