using System.Net;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
    public async Task Get_Ready_CheckFailing_AnswersItsStatusAndNothingElse()
    {
        await using var factory = new ShopFactory(services: s => s.AddHealthChecks().AddCheck("payments-ledger-on-db7.internal",
            () => HealthCheckResult.Unhealthy("password authentication failed for user shop_owner", new InvalidOperationException("db7.internal refused")),
            tags: [ObservabilityRegistration.ReadyTag]));

        var response = await factory.CreateBrowserClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_Ready_DatabaseUnreachable_Answers503WhileLiveStays200()
    {
        await using var factory = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:CoffeeShop"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=postgres;Timeout=2",
        });
        var client = factory.CreateBrowserClient();

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
