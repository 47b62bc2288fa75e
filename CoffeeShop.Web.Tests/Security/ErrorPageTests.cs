using System.Data.Common;
using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

public class ErrorPageTests(ShopFixture fixture) : ShopTest(fixture)
{
    /// <summary>Makes every query on the products table fail, as a broken database would.</summary>
    private sealed class BrokenCatalog : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("FROM products", StringComparison.Ordinal)
                ? throw new InvalidOperationException("boom: SELECT secret FROM products WHERE password='hunter2'")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    [Fact]
    public async Task Get_PageThatFails_Shows500PageWithAReferenceAndNoDetails()
    {
        await using var broken = new ShopFactory(Stripe, services: s => s.AddSingleton<IInterceptor, BrokenCatalog>());

        var response = await broken.CreateBrowserClient().GetAsync(new Uri(ShopFactory.BaseAddress, "/"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", body, StringComparison.Ordinal);
        var page = await HtmlForms.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("code")?.TextContent));
        foreach (var leak in new[] { "boom", "hunter2", "SELECT", "InvalidOperationException", "   at ", "CoffeeShop.Web." })
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/Products/does-not-exist", HttpStatusCode.NotFound, "Page not found")]
    [InlineData("/no/such/page", HttpStatusCode.NotFound, "Page not found")]
    public async Task Get_StatusCodePages_AreFriendly(string url, HttpStatusCode status, string text)
    {
        var response = await Factory.CreateBrowserClient().GetAsync(new Uri(ShopFactory.BaseAddress, url));

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithForgedAntiforgeryToken_Shows400PageWithoutDetails()
    {
        var client = Factory.CreateBrowserClient();
        await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Cart"));

        var response = await client.PostAsync(new Uri(ShopFactory.BaseAddress, "/Cart?handler=Add"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = "CfDJ8forged",
            ["Input.ProductId"] = "1",
            ["Input.Quantity"] = "1",
        }));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Bad request", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Antiforgery", body, StringComparison.Ordinal);
    }
}
