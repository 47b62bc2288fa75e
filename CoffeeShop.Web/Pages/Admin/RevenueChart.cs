using System.Globalization;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Admin;

/// <summary>
/// The dashboard's bar chart, laid out on the server: one bar per day for the last 30 days
/// (days without sales included), on a value axis from zero to a round amount above the best day,
/// with a few round ticks labelled in the shop's currency. The page draws it as SVG.
/// </summary>
public sealed class RevenueChart
{
    public const int Days = 30;
    public const double Width = 720;
    public const double Height = 220;

    /// <summary>Room on the left for the value axis's labels ("€1,500.00").</summary>
    public const double Left = 76;
    public const double Top = 12;
    private const double Bottom = 24;
    private const int MostTicks = 4;

    public RevenueChart(DateOnly today, IEnumerable<DailyRevenue> sales, string currency)
    {
        Currency = currency;
        var byDay = sales.ToDictionary(s => s.Day);
        Bars = Enumerable.Range(0, Days)
            .Select(i => today.AddDays(i - Days + 1))
            .Select(day => byDay.TryGetValue(day, out var s) ? s : new DailyRevenue { Day = day })
            .ToList();
        var best = Math.Max(0, Bars.Max(b => b.Revenue));
        Step = RoundStep(best, Currencies.Get(currency).MinorPerMajor);
        Max = Math.Max(Step, (best + Step - 1) / Step * Step);
    }

    public string Currency { get; }
    public IReadOnlyList<DailyRevenue> Bars { get; }

    /// <summary>The top of the value axis, in minor units: a whole number of <see cref="Step"/>s, at least the best day.</summary>
    public long Max { get; }

    /// <summary>The distance between two ticks, in minor units: 1, 2 or 5 times a power of ten, never less than one major unit.</summary>
    public long Step { get; }

    public Money Total => new(Bars.Sum(b => b.Revenue), Currency);
    public double PlotWidth => Width - Left;
    public double PlotHeight => Height - Top - Bottom;
    public double BarWidth => PlotWidth / Days;

    /// <summary>The ticks of the value axis, from zero up to <see cref="Max"/>, each with the amount it reads.</summary>
    public IReadOnlyList<(double Y, Money Amount)> Ticks =>
        [.. Enumerable.Range(0, (int)(Max / Step) + 1).Select(i => (YOf(i * Step), new Money(i * Step, Currency)))];

    public Money Amount(DailyRevenue bar) => new(bar.Revenue, Currency);

    public double X(int index) => Left + (index * BarWidth);

    public double BarHeight(DailyRevenue bar) => PlotHeight * Math.Max(0, bar.Revenue) / Max;

    public double Y(DailyRevenue bar) => Height - Bottom - BarHeight(bar);

    /// <summary>Where the day's amount is written when the bar is focused or pointed at: above the bar, inside the chart.</summary>
    public double ValueY(DailyRevenue bar) => Math.Max(Top + 10, Y(bar) - 4);

    /// <summary>The first and last few bars anchor their amount inward so it stays inside the chart.</summary>
    public static string ValueAnchor(int index) => index < 3 ? "start" : index >= Days - 3 ? "end" : "middle";

    public double ValueX(int index) => ValueAnchor(index) switch
    {
        "start" => X(index) + 2,
        "end" => X(index) + BarWidth - 2,
        _ => X(index) + (BarWidth / 2),
    };

    private double YOf(long minor) => Height - Bottom - (PlotHeight * minor / Max);

    /// <summary>A round step that puts at most <see cref="MostTicks"/> ticks above zero.</summary>
    private static long RoundStep(long best, long minorPerMajor)
    {
        var step = Math.Max(1, minorPerMajor);
        while (true)
        {
            foreach (var factor in new long[] { 1, 2, 5 })
            {
                if (best <= step * factor * MostTicks)
                {
                    return step * factor;
                }
            }

            step *= 10;
        }
    }

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
