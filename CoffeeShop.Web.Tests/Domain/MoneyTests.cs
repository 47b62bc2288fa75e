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
