using CoffeeShop.Web.Tests.Infrastructure;

namespace CoffeeShop.Web.Tests;

public class StartupTests
{
    [Theory]
    [InlineData("ConnectionStrings:CoffeeShop", "", "ConnectionStrings:CoffeeShop is missing")]
    [InlineData("ConnectionStrings:CoffeeShop", "this is not a connection string", "ConnectionStrings:CoffeeShop is not a valid")]
    [InlineData("Shop:Currency", "euro", "Shop:Currency must be")]
    [InlineData("Shop:Currency", "eur", "Shop:Currency must be")]
    [InlineData("Shop:Currency", "XYZ", "Shop:Currency must be a currency Stripe supports")]
    [InlineData("Shop:Currency", "HRK", "Shop:Currency must be a currency Stripe supports")]
    [InlineData("Shop:Currency", "€", "Shop:Currency must be")]
    [InlineData("Admin:LockoutMinutes", "0", "Admin:LockoutMinutes must be between 1 and 1440")]
    [InlineData("Reconciliation:IntervalSeconds", "0", "Reconciliation:IntervalSeconds must be between 1 and 86400")]
    [InlineData("Reconciliation:BatchSize", "5000", "Reconciliation:BatchSize must be between 1 and 1000")]
    [InlineData("Stripe:TimeoutSeconds", "0", "Stripe:TimeoutSeconds must be between 1 and 600")]
    [InlineData("Stripe:SecretKey", "", "Stripe:SecretKey is missing")]
    [InlineData("Stripe:SecretKey", "sk_live_placeholder", "different modes")]
    [InlineData("Stripe:PublishableKey", "pk_live_placeholder", "different modes")]
    [InlineData("Stripe:PublishableKey", "not-a-key", "Stripe:PublishableKey must start with")]
    [InlineData("Stripe:WebhookSecret", "", "Stripe:WebhookSecret is required outside Development")]
    [InlineData("RateLimits:PaymentStatusChecksPerMinute", "0", "RateLimits:PaymentStatusChecksPerMinute must be between 1 and 100000")]
    [InlineData("RateLimits:CheckoutPostsPerMinute", "0", "RateLimits:CheckoutPostsPerMinute must be between 1 and 100000")]
    [InlineData("RateLimits:SignInPostsPerMinute", "-1", "RateLimits:SignInPostsPerMinute must be between 1 and 100000")]
    [InlineData("RateLimits:RefundPostsPerMinute", "100001", "RateLimits:RefundPostsPerMinute must be between 1 and 100000")]
    [InlineData("RateLimits:CheckoutPostsPerCartPerMinute", "0", "RateLimits:CheckoutPostsPerCartPerMinute must be between 1 and 100000")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.1/8", "ForwardedHeaders:KnownNetworks:0 ('10.0.0.1/8') is not a network in CIDR form")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "ForwardedHeaders:KnownNetworks:0 ('10.0.0.0') is not a network in CIDR form")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "nginx", "ForwardedHeaders:KnownProxies:0 ('nginx') is not an IP address")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0", "ForwardedHeaders:ForwardLimit must be from 1 to 10")]
    [InlineData("PageCache:MaxFirstVisitPages", "-1", "PageCache:MaxFirstVisitPages must be from 0 (off) to 100000")]
    [InlineData("Email:Smtp:Host", "", "Email:Smtp:Host is missing")]
    [InlineData("Email:Smtp:Port", "70000", "Email:Smtp:Port must be between 1 and 65535")]
    [InlineData("Email:From", "", "Email:From is missing or not an email address")]
    [InlineData("Email:From", "CoffeeShop orders", "Email:From is missing or not an email address")]
    [InlineData("Email:ShopUrl", "", "Email:ShopUrl is missing or not an http(s) address")]
    [InlineData("Email:ShopUrl", "http://shop.example.com", "Email:ShopUrl must be an https address outside Development")]
    [InlineData("Email:Outbox:MaxAttempts", "0", "Email:Outbox:MaxAttempts must be between 1 and 100")]
    [InlineData("Email:Outbox:Connections", "0", "Email:Outbox:Connections must be between 1 and 20")]
    [InlineData("Email:Outbox:LeaseSeconds", "10", "Email:Outbox:LeaseSeconds must be more than twice Email:Smtp:TimeoutSeconds")]
    [InlineData("Email:AdminAlertMinutes", "0", "Email:AdminAlertMinutes must be between 1 and 1440")]
    [InlineData("Retention:IdleCartDays", "7", "Retention:IdleCartDays must be between 30 (the cart cookie's lifetime) and 3650")]
    [InlineData("Retention:WebhookPayloadDays", "0", "Retention:WebhookPayloadDays must be between 1 and 3650")]
    [InlineData("DataProtection:CertificatePath", "", "DataProtection:CertificatePath is required outside Development")]
    [InlineData("DataProtection:CertificatePath", "/nowhere/key-ring.pfx", "names the file '/nowhere/key-ring.pfx', which does not exist")]
    [InlineData("DataProtection:CertificatePassword", "not-the-password", "could not be opened as a PFX (PKCS#12) file with the password in DataProtection:CertificatePassword")]
    [InlineData("DataProtection:PreviousCertificates:0:Path", "/nowhere/old-key-ring.pfx", "DataProtection:PreviousCertificates:0:Path names the file '/nowhere/old-key-ring.pfx', which does not exist")]
    [InlineData("AllowedHosts", "*", "AllowedHosts must list the shop's host names outside Development")]
    [InlineData("AllowedHosts", "", "AllowedHosts must list the shop's host names outside Development")]
    [InlineData("Metrics:Port", "70000", "Metrics:Port must be a port from 1 to 65535, or 0")]
    [InlineData("OpenTelemetry:OtlpEndpoint", "collector:4317", "OpenTelemetry:OtlpEndpoint must be an http or https address")]
    public void Start_WithMissingOrMalformedSetting_FailsNamingTheKeyAndWhereToSetIt(string key, string value, string expected)
    {
        using var factory = new ShopFactory(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient());

        var message = Flatten(error);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains(key.Replace(":", "__", StringComparison.Ordinal), message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Shop:VatRatePercent", "100", "Shop:VatRatePercent must be a percentage")]
    [InlineData("Shop:VatRatePercent", "7.125", "Shop:VatRatePercent may have at most two decimals")]
    [InlineData("Invoicing:SellerName", "", "Invoicing:SellerName is missing")]
    [InlineData("Invoicing:VatId", "", "Invoicing:VatId is missing")]
    public void Start_WithBadVatOrSellerSetting_FailsNamingTheKeyAndWhereToSetIt(string key, string value, string expected)
    {
        using var factory = new ShopFactory(settings: new Dictionary<string, string?> { [key] = value });

        var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains(key.Replace(":", "__", StringComparison.Ordinal), message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Shipping:Zones:0:Countries:0", "XX", "Shipping:Zones:0:Countries names 'XX'")]
    [InlineData("Shipping:Zones:1:Countries:0", "DE", "names the country DE in more than one zone")]
    [InlineData("Shipping:Zones:0:Rate", "4.999", "Shipping:Zones:0:Rate must be an amount in EUR")]
    [InlineData("Shipping:Zones:0:Rate", "-1", "Shipping:Zones:0:Rate must be an amount in EUR")]
    [InlineData("Shipping:Zones:0:FreeFrom", "forty", "Shipping:Zones:0:FreeFrom must be an amount in EUR")]
    [InlineData("Shipping:Zones:0:Name", "", "Shipping:Zones:0 needs a Name")]
    [InlineData("Fulfilment:Carriers:0:TrackingUrl", "http://example.com/{tracking}", "Fulfilment:Carriers:0:TrackingUrl must be an https link")]
    [InlineData("Fulfilment:Carriers:0:TrackingUrl", "https://example.com/track", "Fulfilment:Carriers:0:TrackingUrl must be an https link")]
    [InlineData("Fulfilment:Carriers:1:Name", "dhl", "names the carrier DHL twice")]
    public void Start_WithBadShippingZoneOrCarrier_FailsSayingWhichEntry(string key, string value, string expected)
    {
        using var factory = new ShopFactory(settings: new Dictionary<string, string?> { [key] = value });

        var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithAspNetCoreForwardedHeadersEnabled_FailsBecauseItTrustsAnySender()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED, as the host reads it; even with a proxy configured it would apply the headers twice.
        using var factory = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true",
            ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.2",
        });

        var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

        Assert.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For and X-Forwarded-Proto from any sender", message, StringComparison.Ordinal);
        Assert.Contains("ForwardedHeaders:KnownNetworks", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_OutsideDevelopmentWithoutStripeKeys_FailsBecauseSimulatedPaymentsAreDevelopmentOnly()
    {
        using var factory = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "",
            ["Stripe:PublishableKey"] = "",
            ["Stripe:WebhookSecret"] = "",
        });

        var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

        Assert.Contains("Stripe:SecretKey and Stripe:PublishableKey are required outside Development", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithAbandonTimeShorterThanOneStripeCallWithRetries_FailsNamingTheSetting()
    {
        // 80 s per call, three calls and two back-offs: over four minutes, longer than three.
        using var factory = new ShopFactory(settings: new Dictionary<string, string?>
        {
            ["Stripe:TimeoutSeconds"] = "80",
            ["Stripe:MaxNetworkRetries"] = "2",
            ["Reconciliation:AbandonAfterMinutes"] = "3",
        });

        var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

        Assert.Contains("Reconciliation:AbandonAfterMinutes (3) must be longer than one Stripe call with all its retries (250 s", message, StringComparison.Ordinal);
        Assert.Contains("Reconciliation__AbandonAfterMinutes", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithCertificateWithoutPrivateKeyOrWrongPassword_SaysSoInPlainWordsWithoutTheCryptographyError()
    {
        var publicOnly = Path.Combine(Path.GetTempPath(), $"coffeeshop-test-public-only-{Guid.NewGuid():N}.pfx");
        using (var full = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(TestCertificates.KeyRing, TestCertificates.Password))
        using (var certificateOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(full.RawData))
        {
            File.WriteAllBytes(publicOnly, certificateOnly.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, TestCertificates.Password));
        }

        try
        {
            using var factory = new ShopFactory(settings: new Dictionary<string, string?>
            {
                ["DataProtection:CertificatePath"] = publicOnly,
                ["DataProtection:PreviousCertificates:0:Path"] = TestCertificates.KeyRing,
                ["DataProtection:PreviousCertificates:0:Password"] = "not-the-password",
            });

            var message = Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateBrowserClient()));

            Assert.Contains($"The certificate in '{publicOnly}' (DataProtection:CertificatePath) has no RSA private key", message, StringComparison.Ordinal);
            Assert.Contains("with the password in DataProtection:PreviousCertificates:0:Password", message, StringComparison.Ordinal);
            Assert.Contains("DataProtection__PreviousCertificates__0__Password", message, StringComparison.Ordinal);
            Assert.DoesNotContain("CryptographicException", message, StringComparison.Ordinal);
            Assert.DoesNotContain(" at System.", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(publicOnly);
        }
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException));
}
