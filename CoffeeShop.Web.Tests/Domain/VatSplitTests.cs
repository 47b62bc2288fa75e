using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

/// <summary>A partial refund split over the order's VAT rates: the parts add up to the refund to the minor unit.</summary>
public class VatSplitTests
{
    private static VatAmounts Rate(int basisPoints, long gross) => new(basisPoints, gross, Vat.IncludedIn(gross, basisPoints));

    [Theory]
    [InlineData(100, 7)]
    [InlineData(1, 0)]
    [InlineData(15, 1)]
    [InlineData(3380, 221)]
    public void Split_OneRate_IsTheVatIncludedInTheRefund(long refund, long vat)
    {
        var part = Assert.Single(Vat.Split(refund, [Rate(700, 3380)]));

        Assert.Equal(new VatAmounts(700, refund, vat), part);
        Assert.Equal(Vat.IncludedIn(refund, 700), part.VatMinor);
    }

    [Fact]
    public void Split_TwoRates_TheLeftoverUnitGoesToTheLargestRemainder()
    {
        // 1.00 of 14.90: 19 % holds 10.00 (67.11 of the refund), 7 % holds 4.90 (32.89): 67 + 33.
        var parts = Vat.Split(100, [Rate(1900, 1000), Rate(700, 490)]);

        Assert.Equal([new VatAmounts(1900, 67, 11), new VatAmounts(700, 33, 2)], parts);
        Assert.Equal(100, parts.Sum(p => p.GrossMinor));
    }

    [Fact]
    public void Split_ATie_GoesToTheRateListedFirst()
    {
        var parts = Vat.Split(1, [Rate(1900, 500), Rate(700, 500)]);

        Assert.Equal([new VatAmounts(1900, 1, 0)], parts);
    }

    [Fact]
    public void Split_TheWholeOrder_IsTheOrdersOwnBreakdown()
    {
        IReadOnlyList<VatAmounts> order = [Rate(1900, 1299), Rate(700, 3380), Rate(0, 490)];

        Assert.Equal(order, Vat.Split(order.Sum(a => a.GrossMinor), order));
    }

    [Fact]
    public void Split_Nothing_OrOverNothing_IsEmpty()
    {
        Assert.Empty(Vat.Split(0, [Rate(700, 3380)]));
        Assert.Empty(Vat.Split(100, []));
    }

    [Fact]
    public void Split_ANegativeAmount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Vat.Split(-1, [Rate(700, 100)]));

    [Fact]
    public void Split_LargeAmounts_DoNotOverflow()
    {
        var parts = Vat.Split(999_999_999_999, [Rate(1900, 1_000_000_000_000), Rate(700, 3)]);

        Assert.Equal(999_999_999_999, parts.Sum(p => p.GrossMinor));
    }

    [Fact]
    public void Split_AnyRefundOfAnyOrder_AddsUpExactlyAndStaysWithinEachRate()
    {
        var random = new Random(20261201);
        int[] rates = [0, 500, 550, 700, 1000, 1900, 2100, 2500];
        for (var run = 0; run < 2000; run++)
        {
            var order = Vat.Breakdown(rates.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
                .Select(rate => ((long)random.Next(1, 100_000), rate)));
            var total = order.Sum(a => a.GrossMinor);
            var refund = random.NextInt64(1, total + 1);

            var parts = Vat.Split(refund, order);

            Assert.Equal(refund, parts.Sum(p => p.GrossMinor));
            foreach (var part in parts)
            {
                var of = order.Single(a => a.RateBasisPoints == part.RateBasisPoints);
                var exact = (decimal)refund * of.GrossMinor / total;
                Assert.InRange(part.GrossMinor, Math.Floor(exact), Math.Ceiling(exact));
                Assert.Equal(part.GrossMinor, part.NetMinor + part.VatMinor);
                Assert.Equal(Vat.IncludedIn(part.GrossMinor, part.RateBasisPoints), part.VatMinor);
            }
        }
    }
}
