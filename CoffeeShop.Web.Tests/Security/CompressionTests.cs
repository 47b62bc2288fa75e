using System.IO.Compression;
using System.Net;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>Only pages without secrets go out compressed (BREACH): the catalog does, a page with a token never.</summary>
public class CompressionTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static async Task<HttpResponseMessage> GetAcceptingBrotliAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ShopFactory.BaseAddress, path));
        request.Headers.Add("Accept-Encoding", "br, gzip");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Get_Catalog_AcceptingBrotli_IsCompressedAndReadsTheSame()
    {
        var client = Factory.CreateBrowserClient();

        var response = await GetAcceptingBrotliAsync(client, "/");
        var plain = await client.GetStringAsync(new Uri(ShopFactory.BaseAddress, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        await using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(brotli);
        var html = await reader.ReadToEndAsync();
        Assert.Contains("<h1>Coffee beans</h1>", html, StringComparison.Ordinal);
        Assert.True(compressed.Length * 2 < html.Length, $"{compressed.Length} bytes compressed of {html.Length}");
        Assert.Contains("<h1>Coffee beans</h1>", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_PageWithAToken_AcceptingBrotli_IsNotCompressed()
    {
        var response = await GetAcceptingBrotliAsync(Factory.CreateBrowserClient(), "/Products/kiambu-aa");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Catalog_SignedInAdmin_IsNotCompressed()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await GetAcceptingBrotliAsync(admin, "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task EveryCompressiblePage_CarriesNoAntiforgeryToken_ForAVisitorWithACart()
    {
        var marked = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => CompressibleAttribute.IsOn(e))
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Distinct()
            .ToList();
        Assert.Contains("/", marked);
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");

        foreach (var path in marked)
        {
            var html = await shopper.Client.GetStringAsync(new Uri(ShopFactory.BaseAddress, path));
            Assert.DoesNotContain("__RequestVerificationToken", html, StringComparison.Ordinal);
        }
    }
}
