using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public class VatTests
{
    [Theory]
    // 20 %: the VAT in a gross amount is a sixth of it, so 3 holds exactly 0.5 and 9 exactly 1.5: both round up.
    [InlineData(3, 2000, 1)]
    [InlineData(9, 2000, 2)]
    [InlineData(2, 2000, 0)]
    [InlineData(4, 2000, 1)]
    // 7 %: 1070 holds exactly 70; 4630 holds 302.897…
    [InlineData(1070, 700, 70)]
    [InlineData(4630, 700, 303)]
    [InlineData(490, 700, 32)]
    [InlineData(0, 700, 0)]
    public void IncludedIn_RoundsHalfUpToAWholeMinorUnit(long gross, int rate, long vat) =>
        Assert.Equal(vat, Vat.IncludedIn(gross, rate));

    [Theory]
    [InlineData(1234)]
    [InlineData(1)]
    [InlineData(0)]
    public void IncludedIn_ZeroRate_IsNoVat(long gross) => Assert.Equal(0, Vat.IncludedIn(gross, 0));

    [Fact]
    public void IncludedIn_NegativeAmountOrRate_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Vat.IncludedIn(-1, 700));
        Assert.Throws<ArgumentOutOfRangeException>(() => Vat.IncludedIn(100, -1));
    }

    [Fact]
    public void Breakdown_SplitsOncePerRateOnTheSummedGross_NotPerLine()
    {
        // Two 8-cent lines at 7 %: each alone would round 0.52 up to 1, but together they hold 1.05, so 1.
        var breakdown = Vat.Breakdown([(8, 700), (8, 700)]);

        var only = Assert.Single(breakdown);
        Assert.Equal((700, 16L, 1L, 15L), (only.RateBasisPoints, only.GrossMinor, only.VatMinor, only.NetMinor));
    }

    [Fact]
    public void Breakdown_SeveralRates_GrossesAddUpToTheTotalAndNetPlusVatIsGrossForEach()
    {
        (long, int)[] parts = [(1690, 700), (1250, 700), (490, 1900), (333, 1900), (999, 0), (1, 550)];

        var breakdown = Vat.Breakdown(parts);

        Assert.Equal([1900, 700, 550, 0], breakdown.Select(b => b.RateBasisPoints));
        Assert.Equal(parts.Sum(p => p.Item1), breakdown.Sum(b => b.GrossMinor));
        Assert.All(breakdown, b => Assert.Equal(b.GrossMinor, b.NetMinor + b.VatMinor));
        Assert.Equal(Vat.IncludedIn(2940, 700), breakdown.Single(b => b.RateBasisPoints == 700).VatMinor);
        Assert.Equal(Vat.IncludedIn(823, 1900), breakdown.Single(b => b.RateBasisPoints == 1900).VatMinor);
        Assert.Equal(0, breakdown.Single(b => b.RateBasisPoints == 0).VatMinor);
    }

    [Fact]
    public void Breakdown_FreeShipping_LeavesNoZeroRow()
    {
        var breakdown = Vat.Breakdown([(3380, 700), (0, 700), (0, 1900)]);

        var only = Assert.Single(breakdown);
        Assert.Equal(3380, only.GrossMinor);
    }

    [Theory]
    [InlineData(700, "7 %")]
    [InlineData(550, "5.5 %")]
    [InlineData(1900, "19 %")]
    [InlineData(0, "0 %")]
    public void FormatRate_ShowsThePercentage(int rate, string text) => Assert.Equal(text, Vat.FormatRate(rate));
}
