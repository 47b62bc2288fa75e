using System.Net;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// The whole shop in memory, on the real PostgreSQL test database, in the "Testing" environment
/// (production rules: secure cookies, no developer pages, Stripe keys required). Stripe.net talks
/// over HTTP to the given fake Stripe API; settings and services can be overridden per factory.
/// </summary>
public class ShopFactory(
    FakeStripeApi? stripe = null,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null,
    string environment = "Testing") : WebApplicationFactory<Program>
{
    public static readonly Uri BaseAddress = new("https://localhost");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ShopFactory, byte> Started = new();

    /// <summary>
    /// Every started app forgets its cached first-visit pages (the test database is reset and re-seeded,
    /// so product ids in a cached add-to-cart form would point at rows that are gone).
    /// </summary>
    public static async Task ClearPageCachesAsync()
    {
        foreach (var factory in Started.Keys)
        {
            factory.Services.GetRequiredService<CoffeeShop.Web.Infrastructure.FirstVisitPageCacheMiddleware>().Clear();
            await factory.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>()
                .EvictByTagAsync(CoffeeShop.Web.Infrastructure.WebRegistration.AnonymousCatalog, default);
        }
    }

    protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        Started.TryAdd(this, 0);
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        Started.TryRemove(this, out _);
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Where Stripe.net is sent when a test needs no Stripe at all: a closed port on loopback.</summary>
    private const string NoStripe = "http://127.0.0.1:9";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:CoffeeShop"] = TestDatabase.ConnectionString,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Stripe:SecretKey"] = FakeStripeApi.SecretKey,
            ["Stripe:PublishableKey"] = FakeStripeApi.PublishableKey,
            ["Stripe:WebhookSecret"] = FakeStripeApi.WebhookSecret,
            ["Stripe:ApiBase"] = stripe?.BaseAddress.ToString() ?? NoStripe,
            ["Stripe:TimeoutSeconds"] = "10",
            // Tests run the reconciler when they mean to, not on a timer.
            ["Reconciliation:Enabled"] = "false",
            // Many tests post from one (unknown) client address; the rate-limit tests set their own limits.
            ["RateLimits:CheckoutPostsPerMinute"] = "100000",
            ["RateLimits:CheckoutPostsPerCartPerMinute"] = "100000",
            ["RateLimits:SignInPostsPerMinute"] = "100000",
            ["RateLimits:RefundPostsPerMinute"] = "100000",
            ["RateLimits:PaymentStatusChecksPerMinute"] = "100000",
            // The two-factor tests turn it on; elsewhere admins sign in with a password only.
            ["Admin:RequireTwoFactor"] = "false",
            // The real SMTP server scripts/test starts; tests dispatch the outbox when they mean to (OutboxDispatcher.DispatchOnceAsync).
            ["Email:From"] = "CoffeeShop <orders@coffeeshop.test>",
            ["Email:ShopUrl"] = BaseAddress.ToString(),
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = Smtp4Dev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:UseTls"] = "false",
            ["Email:Smtp:TimeoutSeconds"] = "5",
            ["Email:Outbox:Enabled"] = "false",
            // Tests run the retention pass when they mean to (DataRetention.RunOnceAsync).
            ["Retention:Enabled"] = "false",
            // Required outside Development: the hosts the tests call the shop by (the in-memory server, a real loopback
            // port, the public name the HSTS test asks for), and evil.example, which the tests showing that a forged Host
            // never steers an emailed link get past the host filter, the first line of defence.
            ["AllowedHosts"] = "localhost;127.0.0.1;shop.coffeeshop.example;evil.example",
            ["DataProtection:CertificatePath"] = TestCertificates.KeyRing,
            ["DataProtection:CertificatePassword"] = TestCertificates.Password,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }

        // A test may say which address a request's connection comes from (SocketAddresses.ConnectFrom).
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, SocketAddresses>());
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects, so tests see 303 and Location.</summary>
    public HttpClient CreateBrowserClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = BaseAddress,
    });

    /// <summary>
    /// Serves the shop on a real Kestrel port (http://127.0.0.1, a free port) instead of the in-memory
    /// test server, for a real browser, and answers its address. Call it before anything else uses the factory.
    /// </summary>
    public Uri ServeOnLoopback()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }
}
