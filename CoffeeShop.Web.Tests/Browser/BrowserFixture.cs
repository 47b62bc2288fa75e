using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// One headless Chromium for a test class (each test opens its own context), and the shops it
/// browses, each a real host on a loopback port. Shops run in Development so that cookies are not
/// <c>Secure</c> on plain http; they share the test database with every other host in the run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's package <c>chromium</c> (.ci/run installs it); <c>COFFEESHOP_CHROMIUM</c> points elsewhere.</summary>
    public static string ChromiumPath { get; } =
        Environment.GetEnvironmentVariable("COFFEESHOP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly Dictionary<string, BrowserShop> _shops = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}. Install it with `apt-get install -y chromium` (.ci/run does) or set COFFEESHOP_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    // Every test in the class pays from 127.0.0.1 within a minute or so; the per-client limits are not what these tests are about.
    private static readonly Dictionary<string, string?> Generous = new()
    {
        ["RateLimits:CheckoutPostsPerMinute"] = "1000",
        ["RateLimits:SignInPostsPerMinute"] = "1000",
        ["RateLimits:RefundPostsPerMinute"] = "1000",
    };

    /// <summary>Development without Stripe keys: the simulated gateway, as <c>scripts/run</c> starts the shop.</summary>
    public BrowserShop SimulatedShop() => Shop("simulated", () => new ShopFactory(
        settings: new Dictionary<string, string?>(Generous)
        {
            ["Stripe:SecretKey"] = "",
            ["Stripe:PublishableKey"] = "",
            ["Stripe:WebhookSecret"] = "",
        },
        environment: "Development"));

    /// <summary>Development with (fake) Stripe keys: Stripe.net talks to <paramref name="stripe"/>, the page loads Stripe.js.</summary>
    public BrowserShop StripeShop(FakeStripeApi stripe) => Shop("stripe", () => new ShopFactory(stripe, Generous, environment: "Development"));

    private BrowserShop Shop(string name, Func<ShopFactory> create)
    {
        lock (_shops)
        {
            if (!_shops.TryGetValue(name, out var shop))
            {
                var factory = create();
                shop = new BrowserShop(factory, factory.ServeOnLoopback());
                _shops[name] = shop;
            }

            return shop;
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var shop in _shops.Values)
        {
            await shop.Factory.DisposeAsync();
        }
    }
}

/// <summary>A shop host served on a real port, and where.</summary>
public sealed record BrowserShop(ShopFactory Factory, Uri Address);
