using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CoffeeShop.Web.Tests.Observability;

/// <summary>The Prometheus scrape: on its own port over real sockets, never on the shop's.</summary>
public class PrometheusScrapeTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Get_Metrics_OnTheScrapePortAfterACheckout_ShowsTheCheckout_AndOnTheShopsPortIs404()
    {
        var scrapePort = FreePort();
        // Development: its cookies work over the plain HTTP of a loopback port, as in the browser tests.
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Metrics:Port"] = scrapePort.ToString(CultureInfo.InvariantCulture),
        }, environment: "Development");
        shop.UseKestrel();
        shop.StartServer();
        var addresses = shop.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var shopAddress = Assert.Single(addresses, a => a.Port != scrapePort);
        Assert.Contains(addresses, a => a.Port == scrapePort);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = shopAddress };
        var shopper = new Shopper(browser);
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined");
        var paid = await shopper.PayAsync("ctoken_pm_card_visa");
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        // The background loops' passes (they run on timers in production), so the gauges have something to show.
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileDueAsync(CancellationToken.None);
        }

        await shop.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None);

        using var scraper = new HttpClient();
        var scrape = await scraper.GetAsync(new Uri($"http://127.0.0.1:{scrapePort}/metrics"));
        var onShopPort = await scraper.GetAsync(new Uri(shopAddress, "/metrics"));
        // The Host header is the client's to write: naming the scrape port in it opens nothing on the shop's port.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(shopAddress, "/metrics"));
        spoofed.Headers.Host = $"127.0.0.1:{scrapePort}";
        var spoofedAnswer = await scraper.SendAsync(spoofed);
        var pageOnScrapePort = await scraper.GetAsync(new Uri($"http://127.0.0.1:{scrapePort}/"));

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("coffeeshop_checkouts_total{", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"paid\"", text, StringComparison.Ordinal);
        Assert.Contains("coffeeshop_stripe_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("coffeeshop_reconciler_backlog ", text, StringComparison.Ordinal);
        Assert.Contains("coffeeshop_outbox_backlog ", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onShopPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, spoofedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pageOnScrapePort.StatusCode);
        KeepSample(text);
    }

    /// <summary>With COFFEESHOP_UPDATE_METRICS_SAMPLE=1, the shop's own lines of this scrape become docs/metrics-sample.txt.</summary>
    private static void KeepSample(string scrape)
    {
        if (Environment.GetEnvironmentVariable("COFFEESHOP_UPDATE_METRICS_SAMPLE") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "CoffeeShop.sln")))
        {
            root = root.Parent ?? throw new DirectoryNotFoundException("CoffeeShop.sln not found above the test binaries.");
        }

        var lines = scrape.Split('\n').Where(line => line.TrimStart('#', ' ').Replace("TYPE ", "", StringComparison.Ordinal).Replace("HELP ", "", StringComparison.Ordinal)
                .StartsWith("coffeeshop_", StringComparison.Ordinal)
            && (!line.Contains("_bucket{", StringComparison.Ordinal) || line.Contains("le=\"0.5\"", StringComparison.Ordinal)));
        File.WriteAllLines(Path.Combine(root.FullName, "docs", "metrics-sample.txt"),
            ["# GET /metrics on Metrics:Port after a declined and a paid checkout, one reconciler pass and one outbox pass (the shop's own lines; buckets other than le=0.5 left out)", .. lines]);
    }

    [Fact]
    public void Start_ScrapePortIsTheShopsPort_FailsNamingTheSetting()
    {
        using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:5080",
            ["Metrics:Port"] = "5080",
        });

        var error = Assert.ThrowsAny<Exception>(() => shop.CreateBrowserClient());

        Assert.Contains("Metrics:Port (5080) is a port the shop serves its pages on", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithoutOtlpOrScrapePort_StartsNoOpenTelemetry_AndWithAnOtlpEndpointTraces()
    {
        using var plain = new ShopFactory(Stripe);
        using var pushing = new ShopFactory(Stripe, new Dictionary<string, string?> { ["OpenTelemetry:OtlpEndpoint"] = "http://127.0.0.1:4317" });

        Assert.Null(plain.Services.GetService<TracerProvider>());
        Assert.Null(plain.Services.GetService<MeterProvider>());
        Assert.NotNull(pushing.Services.GetService<TracerProvider>());
        Assert.NotNull(pushing.Services.GetService<MeterProvider>());
    }
}
