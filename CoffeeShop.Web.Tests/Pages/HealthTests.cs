using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;

namespace CoffeeShop.Web.Tests.Pages;

public class HealthTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Get_Health_AnswersHealthy(string url)
    {
        var response = await Factory.CreateBrowserClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_Ready_DatabaseUnreachable_Answers503WhileLiveStays200()
    {
        await using var factory = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:CoffeeShop"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=postgres;Timeout=2",
        });
        var client = factory.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
