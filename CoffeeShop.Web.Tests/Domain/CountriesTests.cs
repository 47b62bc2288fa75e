using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Tests.Domain;

public class CountriesTests
{
    [Theory]
    [InlineData("DE", "10115", true)]
    [InlineData("DE", "1011", false)]
    [InlineData("DE", "101155", false)]
    [InlineData("DE", "1O115", false)]
    [InlineData("AT", "1010", true)]
    [InlineData("NL", "1012 AB", true)]
    [InlineData("NL", "1012ab", true)]
    [InlineData("NL", "0123 AB", false)]
    [InlineData("GB", "SW1A 1AA", true)]
    [InlineData("GB", "EC1A1BB", true)]
    [InlineData("GB", "12345", false)]
    [InlineData("PL", "00-001", true)]
    [InlineData("PL", "00001", false)]
    [InlineData("SE", "111 22", true)]
    [InlineData("US", "94103-1234", true)]
    [InlineData("XX", "10115", false)]
    public void IsValidPostalCode_FollowsEachCountrysForm(string country, string postalCode, bool valid) =>
        Assert.Equal(valid, Countries.IsValidPostalCode(country, postalCode));

    [Fact]
    public void EveryCountry_ItsOwnExamplePostalCodeIsValid()
    {
        foreach (var code in new[] { "AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "LU", "NL", "NO", "PL", "PT", "SE", "US" })
        {
            var country = Countries.Get(code);
            Assert.True(Countries.IsValidPostalCode(code, country.PostalCodeExample), $"{code}: {country.PostalCodeExample}");
        }
    }
}
