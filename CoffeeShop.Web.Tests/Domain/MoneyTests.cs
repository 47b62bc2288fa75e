using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public class MoneyTests
{
    [Theory]
    [InlineData(1450, "EUR", "€14.50")]
    [InlineData(5, "USD", "$0.05")]
    [InlineData(123456, "GBP", "£1,234.56")]
    [InlineData(1200, "JPY", "1,200 JPY")]
    [InlineData(999, "CHF", "9.99 CHF")]
    public void ToString_FormatsMinorUnitsWithoutFloatingPoint(long minor, string currency, string expected) =>
        Assert.Equal(expected, new Money(minor, currency).ToString());

    [Theory]
    [InlineData(500, "JPY", "500 JPY")]
    [InlineData(1234567, "KRW", "1,234,567 KRW")]
    [InlineData(15000, "XOF", "15,000 XOF")]
    [InlineData(1450, "UGX", "1,450 UGX")]
    [InlineData(5120, "KWD", "5.120 KWD")]
    [InlineData(1234560, "BHD", "1,234.560 BHD")]
    [InlineData(10, "TND", "0.010 TND")]
    [InlineData(123456, "HUF", "1,234.56 HUF")]
    [InlineData(80045, "TWD", "800.45 TWD")]
    [InlineData(500, "ISK", "5 ISK")]
    [InlineData(150000, "ISK", "1,500 ISK")]
    [InlineData(12345, "ISK", "123.45 ISK")]
    public void ToString_UsesTheExponentFromStripesTable(long minor, string currency, string expected) =>
        Assert.Equal(expected, new Money(minor, currency).ToString());

    [Theory]
    [InlineData("JPY", 0, 1)]
    [InlineData("CLP", 0, 1)]
    [InlineData("EUR", 2, 1)]
    [InlineData("HUF", 2, 1)]
    [InlineData("TWD", 2, 1)]
    [InlineData("ISK", 2, 100)]
    [InlineData("JOD", 3, 10)]
    [InlineData("OMR", 3, 10)]
    public void Currencies_ExponentAndAmountStep_AsStripeDocumentsThem(string code, int exponent, int step)
    {
        var units = Currencies.Get(code);

        Assert.Equal((exponent, step), (units.Exponent, units.AmountStep));
    }

    [Fact]
    public void Currencies_TableIsCompleteForStripesZeroAndThreeDecimalLists()
    {
        string[] zero = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
        string[] three = ["BHD", "JOD", "KWD", "OMR", "TND"];

        Assert.Equal(zero.Order(), Currencies.All.Where(c => c.Exponent == 0).Select(c => c.Code).Order());
        Assert.Equal(three.Order(), Currencies.All.Where(c => c.Exponent == 3).Select(c => c.Code).Order());
        Assert.All(Currencies.All, c => Assert.Matches("^[A-Z]{3}$", c.Code));
        Assert.True(Currencies.All.Count > 130, "Stripe supports more than 135 presentment currencies.");
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("eur")]
    [InlineData("HRK")]
    [InlineData("")]
    public void Money_UnknownCurrency_RefusesToGuessTheExponent(string currency)
    {
        Assert.False(Currencies.IsSupported(currency));
        Assert.Throws<ArgumentException>(() => new Money(1450, currency).ToString());
        Assert.False(Money.TryParseMajor("14.50", currency, out _));
    }

    [Theory]
    [InlineData("12.5", "EUR", 1250)]
    [InlineData("12.50", "EUR", 1250)]
    [InlineData("12", "EUR", 1200)]
    [InlineData("1200", "JPY", 1200)]
    [InlineData("5.12", "KWD", 5120)]
    [InlineData("5.120", "KWD", 5120)]
    [InlineData("5", "ISK", 500)]
    [InlineData("5.00", "ISK", 500)]
    public void TryParseMajor_ReadsTheCurrencysDecimals(string text, string currency, long minor)
    {
        Assert.True(Money.TryParseMajor(text, currency, out var money));
        Assert.Equal(new Money(minor, currency), money);
    }

    [Theory]
    [InlineData("12.505", "EUR")]
    [InlineData("12.5", "JPY")]
    [InlineData("5.124", "KWD")]
    [InlineData("5.1234", "KWD")]
    [InlineData("5.50", "ISK")]
    [InlineData("-1", "EUR")]
    [InlineData("1e3", "EUR")]
    public void TryParseMajor_MoreDecimalsThanTheCurrencyOrAnAmountStripeRefuses_IsRefused(string text, string currency) =>
        Assert.False(Money.TryParseMajor(text, currency, out _));

    [Theory]
    [InlineData(150000, "ISK", "1500")]
    [InlineData(12345, "ISK", "123.45")]
    [InlineData(5120, "KWD", "5.120")]
    [InlineData(1200, "JPY", "1200")]
    [InlineData(123456, "EUR", "1234.56")]
    public void ToMajorString_IsInvariantWithTheCurrencysDecimals(long minor, string currency, string expected) =>
        Assert.Equal(expected, new Money(minor, currency).ToMajorString());

    [Theory]
    [InlineData("ISK", 1450, 1500)]
    [InlineData("ISK", 1500, 1500)]
    [InlineData("KWD", 1455, 1460)]
    [InlineData("EUR", 1455, 1455)]
    [InlineData("JPY", 1455, 1455)]
    public void RoundUpToChargeable_MeetsStripesAmountStep(string currency, long minor, long expected)
    {
        var units = Currencies.Get(currency);

        Assert.Equal(expected, units.RoundUpToChargeable(minor));
        Assert.True(units.IsChargeable(expected));
    }

    [Theory]
    [InlineData("EUR")]
    [InlineData("JPY")]
    [InlineData("KWD")]
    [InlineData("ISK")]
    public void CatalogSeed_InAnySupportedCurrency_SeedsPricesStripeAccepts(string currency) =>
        Assert.All(CoffeeShop.Web.Shopping.CatalogSeed.Products(currency).Select(seed => seed.Product), p =>
        {
            Assert.Equal(currency, p.Currency);
            Assert.True(p.Price.IsChargeable, $"{p.Slug} costs {p.Price}, which Stripe would refuse.");
        });

    [Fact]
    public void Times_And_Plus_StayInMinorUnits()
    {
        var total = new Money(1450, "EUR").Times(3).Plus(new Money(1, "EUR"));

        Assert.Equal(new Money(4351, "EUR"), total);
    }

    [Fact]
    public void Plus_OtherCurrency_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new Money(1, "EUR").Plus(new Money(1, "USD")));

    [Fact]
    public void Times_Overflow_Throws() =>
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue / 2, "EUR").Times(3));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(99, true)]
    [InlineData(100, false)]
    [InlineData(-3, false)]
    public void CartRules_QuantityRange(int quantity, bool valid) =>
        Assert.Equal(valid, CartRules.IsValidQuantity(quantity));
}
