using CoffeeShop.Web.Data;
using Npgsql;

namespace CoffeeShop.Web.Tests.Data;

/// <summary>The defaults the shop adds to the configured connection string, and that an operator can override.</summary>
public class ConnectionDefaultsTests
{
    [Fact]
    public void ShopConnectionString_PreparesFrequentStatementsAndSkipsTheResetRoundTrip()
    {
        var built = new NpgsqlConnectionStringBuilder(DataRegistration.ShopConnectionString("Host=db;Database=shop;Username=shop"));

        Assert.Equal(20, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("db", built.Host);
        Assert.Equal("shop", built.Database);
    }

    [Theory]
    [InlineData("Host=db;Database=shop;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=shop;Max Auto Prepare=50", 50)]
    [InlineData("Host=db;Database=shop;maxautoprepare=7", 7)]
    public void ShopConnectionString_KeepsAnExplicitAutoPrepareSetting(string configured, int expected)
    {
        var built = new NpgsqlConnectionStringBuilder(DataRegistration.ShopConnectionString(configured));

        Assert.Equal(expected, built.MaxAutoPrepare);
    }
}
