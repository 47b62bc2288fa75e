using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Tests.Shopping;

public class ShippingAddressRulesTests
{
    /// <summary>Germany, the Netherlands and Switzerland, as the shop's settings could have them; Japan is not served.</summary>
    private static readonly PriceList Prices = new(
        Options.Create(new ShippingOptions
        {
            Zones =
            [
                new ShippingZone { Name = "Germany", Countries = ["DE"], Rate = "4.90", FreeFrom = "40.00" },
                new ShippingZone { Name = "European Union", Countries = ["NL", "AT"], Rate = "9.90", FreeFrom = "75.00" },
                new ShippingZone { Name = "Rest of Europe", Countries = ["CH"], Rate = "14.90" },
            ],
        }),
        Options.Create(new ShopOptions()));

    private static readonly AddressInput Good = new("Jana Schäfer", "Röstereistraße 1", null, "10115", "Berlin", "DE", null);

    private static (ShippingAddress? Address, IReadOnlyList<AddressProblem> Problems) Read(AddressInput input)
    {
        ShippingAddressRules.TryRead(input, Prices, out var address, out var problems);
        return (address, problems);
    }

    [Fact]
    public void TryRead_GoodAddress_TrimsAndKeepsEveryField()
    {
        var (address, problems) = Read(new(" Jana Schäfer ", " Röstereistraße 1 ", " Hinterhaus ", " 10115 ", " Berlin ", " de ", " +49 30 1234567 "));

        Assert.Empty(problems);
        Assert.Equal(new ShippingAddress("Jana Schäfer", "Röstereistraße 1", "Hinterhaus", "10115", "Berlin", "DE", "+49 30 1234567"), address);
    }

    [Theory]
    [InlineData("北京市朝阳区", "建国路88号", "北京")]
    [InlineData("فاطمة الزهراء", "شارع الملك فهد ١٢", "الرياض")]
    [InlineData("Åsa Øberg", "Nørrebrogade 7", "København")]
    [InlineData("<b>Jana</b> & \"Söhne\"", "Röstereistraße 1", "Berlin")]
    public void TryRead_NamesAndPlacesInAnyScript_AreKeptAsTyped(string name, string line1, string city)
    {
        var (address, problems) = Read(Good with { Name = name, Line1 = line1, City = city });

        Assert.Empty(problems);
        Assert.Equal((name, line1, city), (address!.Name, address.Line1, address.City));
    }

    [Fact]
    public void TryRead_DecomposedLetters_AreStoredComposed()
    {
        var (address, _) = Read(Good with { Name = "Jana Scha\u0308fer" });

        Assert.Equal("Jana Schäfer", address!.Name);
    }

    [Theory]
    [InlineData("NL", "1012 ab", "1012 AB")]
    [InlineData("NL", "1012ab", "1012AB")]
    [InlineData("DE", " 10115 ", "10115")]
    [InlineData("AT", "1010", "1010")]
    public void TryRead_PostalCode_IsCheckedForTheCountryAndKeptUpperCase(string country, string typed, string stored)
    {
        var (address, problems) = Read(Good with { Country = country, PostalCode = typed });

        Assert.Empty(problems);
        Assert.Equal(stored, address!.PostalCode);
    }

    [Theory]
    [InlineData(nameof(AddressInput.Name), "", "Enter the name")]
    [InlineData(nameof(AddressInput.Name), "   ", "Enter the name")]
    [InlineData(nameof(AddressInput.Line1), "", "Enter the street")]
    [InlineData(nameof(AddressInput.PostalCode), "", "Enter the postal code")]
    [InlineData(nameof(AddressInput.City), "", "Enter the town or city")]
    [InlineData(nameof(AddressInput.Country), "", "Choose the country")]
    [InlineData(nameof(AddressInput.Country), "JP", "We do not ship there")]
    [InlineData(nameof(AddressInput.Country), "XX", "We do not ship there")]
    [InlineData(nameof(AddressInput.Country), "DEU", "We do not ship there")]
    [InlineData(nameof(AddressInput.PostalCode), "1011", "like 10115 for Germany")]
    [InlineData(nameof(AddressInput.PostalCode), "10115-1", "like 10115 for Germany")]
    [InlineData(nameof(AddressInput.Name), "Jana\0Schäfer", "invisible characters from the name")]
    [InlineData(nameof(AddressInput.Line1), "Röstereistraße 1\r\nBerlin", "line breaks")]
    [InlineData(nameof(AddressInput.Line1), "Röstereistraße\t1", "tabs")]
    [InlineData(nameof(AddressInput.City), "Berlin\u202Eevil", "invisible characters from the town or city")]
    [InlineData(nameof(AddressInput.Name), "Jana \u2066Schäfer\u2069", "invisible characters from the name")]
    [InlineData(nameof(AddressInput.Phone), "call me", "phone number")]
    [InlineData(nameof(AddressInput.Phone), "<script>", "phone number")]
    [InlineData(nameof(AddressInput.Phone), "1234", "phone number")]
    [InlineData(nameof(AddressInput.Phone), "+49 30 1234567 890 1234 5", "at most 24 characters")]
    public void TryRead_BadField_GivesOneProblemForThatFieldAndNoAddress(string field, string value, string message)
    {
        var input = field switch
        {
            nameof(AddressInput.Name) => Good with { Name = value },
            nameof(AddressInput.Line1) => Good with { Line1 = value },
            nameof(AddressInput.PostalCode) => Good with { PostalCode = value },
            nameof(AddressInput.City) => Good with { City = value },
            nameof(AddressInput.Country) => Good with { Country = value },
            _ => Good with { Phone = value },
        };

        var (address, problems) = Read(input);

        Assert.Null(address);
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_LoneSurrogate_IsRefusedNotStored()
    {
        // Built here: a test-case string holding half a pair would be mangled before it reached the test.
        var (address, problems) = Read(Good with { Name = "Jana " + (char)0xD800 });

        Assert.Null(address);
        Assert.Equal(nameof(AddressInput.Name), Assert.Single(problems).Field);
    }

    [Theory]
    [InlineData(nameof(AddressInput.Name), ShippingAddress.NameMaxLength)]
    [InlineData(nameof(AddressInput.Line1), ShippingAddress.LineMaxLength)]
    [InlineData(nameof(AddressInput.Line2), ShippingAddress.LineMaxLength)]
    [InlineData(nameof(AddressInput.City), ShippingAddress.CityMaxLength)]
    public void TryRead_LongestAllowedIsKeptAndOneMoreIsRefused(string field, int max)
    {
        AddressInput With(string value) => field switch
        {
            nameof(AddressInput.Name) => Good with { Name = value },
            nameof(AddressInput.Line1) => Good with { Line1 = value },
            nameof(AddressInput.Line2) => Good with { Line2 = value },
            _ => Good with { City = value },
        };

        Assert.NotNull(Read(With(new string('ü', max))).Address);
        var (address, problems) = Read(With(new string('ü', max + 1)));
        Assert.Null(address);
        Assert.Equal(field, Assert.Single(problems).Field);
    }

    [Fact]
    public void TryRead_EverythingMissing_NamesEachRequiredField()
    {
        var (address, problems) = Read(new AddressInput(null, null, null, null, null, null, null));

        Assert.Null(address);
        string[] required = [nameof(AddressInput.Name), nameof(AddressInput.Line1), nameof(AddressInput.PostalCode), nameof(AddressInput.City), nameof(AddressInput.Country)];
        Assert.Equal(required.Order(StringComparer.Ordinal), problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TryRead_OptionalLine2AndPhone_MayBeEmpty()
    {
        var (address, problems) = Read(Good with { Line2 = "  ", Phone = "" });

        Assert.Empty(problems);
        Assert.Null(address!.Line2);
        Assert.Null(address.Phone);
    }
}
