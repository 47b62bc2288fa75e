using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;

namespace CoffeeShop.Web.Tests.Pages.Admin;

public class DashboardTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task Get_Dashboard_ChartSumsMatchSeededPaymentsPerShopDay()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, berlin).DateTime);
        DateTimeOffset At(DateOnly day, int hour)
        {
            var local = day.ToDateTime(new TimeOnly(hour, 30));
            return new DateTimeOffset(local, berlin.GetUtcOffset(local)).ToUniversalTime();
        }

        var yesterday = today.AddDays(-1);
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, At(yesterday, 0), amount: 1000);
            await PaymentSeed.AddAsync(db, At(yesterday, 23), amount: 2000, refunded: 500, status: PaymentStatus.PartiallyRefunded);
            await PaymentSeed.AddAsync(db, At(yesterday, 12), amount: 7777, status: PaymentStatus.Failed);
            await PaymentSeed.AddAsync(db, At(today.AddDays(-10), 9), amount: 3000);
            await PaymentSeed.AddAsync(db, At(today.AddDays(-45), 9), amount: 9000);
            await PaymentSeed.AddAsync(db, At(today.AddDays(-3), 9), amount: 500, status: PaymentStatus.NeedsAttention);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Dashboard");

        long Revenue(DateOnly day) => long.Parse(page.QuerySelector($"rect[data-day='{day:yyyy-MM-dd}']")!.GetAttribute("data-revenue")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2500, Revenue(yesterday));
        Assert.Equal(3000, Revenue(today.AddDays(-10)));
        Assert.Equal(0, Revenue(today));
        Assert.Equal(30, page.QuerySelectorAll("svg.chart rect.bar").Length);
        Assert.Equal("€55.00", page.QuerySelector("#revenue-30d")!.TextContent);
        Assert.Equal(30, page.QuerySelectorAll("#revenue-table tbody tr").Length);
        Assert.NotNull(page.QuerySelector("svg.chart title"));
        Assert.NotNull(page.QuerySelector("svg.chart desc"));
        Assert.Equal("1", page.QuerySelector("#needs-attention strong")!.TextContent);
        Assert.Equal("/Admin/Payments?attention=true", page.QuerySelector("#needs-attention")!.GetAttribute("href"));
        Assert.Equal("1", page.QuerySelector("[data-status=Failed]")!.TextContent);
    }

    [Fact]
    public async Task Get_Dashboard_ChartHasAValueAxisInEurosAndEachDayNamedWithItsAmountForKeyboardAndScreenReader()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, berlin).DateTime).AddDays(-1);
        var noon = yesterday.ToDateTime(new TimeOnly(12, 0));
        await using (var db = Db())
        {
            await PaymentSeed.AddAsync(db, new DateTimeOffset(noon, berlin.GetUtcOffset(noon)).ToUniversalTime(), amount: 12345, refunded: 1000, status: PaymentStatus.PartiallyRefunded);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Dashboard");

        // €113.45 on the best day: ticks every €50 up to €150, each labelled with the currency.
        var ticks = page.QuerySelectorAll("#value-axis .tick").Select(t => t.TextContent).ToList();
        Assert.Equal(["€0.00", "€50.00", "€100.00", "€150.00"], ticks);
        var days = page.QuerySelectorAll("svg.chart g.day");
        Assert.Equal(30, days.Length);
        Assert.All(days, day => Assert.Equal("0", day.GetAttribute("tabindex")));
        Assert.All(days, day => Assert.Matches(@"^\w{3} \d{1,2} \w{3}: €[\d,]+\.\d{2}, \d+ payments?$", day.GetAttribute("aria-label")!));
        var best = days.Single(d => d.QuerySelector("rect.bar")!.GetAttribute("data-day") == yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith(": €113.45, 1 payment", best.GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("€113.45", best.QuerySelector(".value")!.TextContent);
        Assert.Equal("group", page.QuerySelector("svg.chart")!.GetAttribute("role"));

        // The table alternative, one click away for everyone; every amount with its currency.
        Assert.Equal("Revenue per day as a table", page.QuerySelector("details.chart-table summary")!.TextContent);
        Assert.All(page.QuerySelectorAll("#revenue-table td[data-minor]"), cell => Assert.StartsWith("€", cell.TextContent, StringComparison.Ordinal));
        Assert.Equal("Partially refunded", page.QuerySelector(".status-counts .status-partiallyrefunded")!.TextContent);
    }
}
