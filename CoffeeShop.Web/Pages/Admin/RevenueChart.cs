using System.Globalization;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Admin;

/// <summary>
/// The dashboard's bar chart, laid out on the server: one bar per day for the last 30 days
/// (days without sales included), scaled to the best day. The page draws it as SVG.
/// </summary>
public sealed class RevenueChart
{
    public const int Days = 30;
    public const double Width = 720;
    public const double Height = 200;
    private const double Top = 10;
    private const double Bottom = 24;

    public RevenueChart(DateOnly today, IEnumerable<DailyRevenue> sales, string currency)
    {
        Currency = currency;
        var byDay = sales.ToDictionary(s => s.Day);
        Bars = Enumerable.Range(0, Days)
            .Select(i => today.AddDays(i - Days + 1))
            .Select(day => byDay.TryGetValue(day, out var s) ? s : new DailyRevenue { Day = day })
            .ToList();
        Max = Math.Max(1, Bars.Max(b => b.Revenue));
    }

    public string Currency { get; }
    public IReadOnlyList<DailyRevenue> Bars { get; }
    public long Max { get; }
    public Money Total => new(Bars.Sum(b => b.Revenue), Currency);
    public double BarWidth => Width / Days;

    public double X(int index) => index * BarWidth;

    public double BarHeight(DailyRevenue bar) => (Height - Top - Bottom) * bar.Revenue / Max;

    public double Y(DailyRevenue bar) => Height - Bottom - BarHeight(bar);

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
