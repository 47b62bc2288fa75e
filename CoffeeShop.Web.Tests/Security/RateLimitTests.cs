using System.Net;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

public class RateLimitTests(ShopFixture fixture) : ShopTest(fixture)
{
    private ShopFactory Limited() => new(Stripe, new Dictionary<string, string?>
    {
        ["RateLimits:CheckoutPostsPerMinute"] = "2",
        ["RateLimits:SignInPostsPerMinute"] = "2",
        ["RateLimits:RefundPostsPerMinute"] = "2",
    });

    private static void AssertTooManyRequests(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Post_Checkout_ThirdInAMinute_Is429WithRetryAfterAndAFriendlyPage()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var page = await shopper.CheckoutPageAsync();

        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        var third = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);

        AssertTooManyRequests(third);
        Assert.Contains("Too many requests", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents"));
    }

    [Fact]
    public async Task Post_Checkout_UnderEveryRouteOfThePage_CountsAgainstOneLimitAndLeavesTheGetAlone()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var page = await shopper.CheckoutPageAsync();
        var form = page.Form("#checkout-form");

        form.SetAttribute("action", "/Checkout/Index");
        var first = await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        form.SetAttribute("action", "/checkout");
        var second = await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        form.SetAttribute("action", "/CHECKOUT/index/");
        var third = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);
        var get = await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Checkout/Index"));

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        AssertTooManyRequests(third);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(2, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents"));
    }

    [Fact]
    public async Task Post_SignIn_ThirdInAMinute_Is429()
    {
        await using var shop = Limited();
        var client = shop.CreateBrowserClient();

        await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");
        await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");
        var third = await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");

        AssertTooManyRequests(third);
    }

    /// <summary>An admin with an authenticator and recovery codes, signed in with the password (one sign-in POST) and at the code step.</summary>
    private static async Task<(HttpClient Client, string Key, IReadOnlyList<string> RecoveryCodes)> AtTheSecondStepAsync(ShopFactory shop)
    {
        var user = await AdminSession.CreateUserAsync(shop, "second-step@coffeeshop.test", admin: true);
        string key;
        List<string> codes;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            key = (await users.GetAuthenticatorKeyAsync(stored))!;
            await users.SetTwoFactorEnabledAsync(stored, true);
            codes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10))!];
        }

        var client = shop.CreateBrowserClient();
        var signIn = await AdminSession.SubmitSignInAsync(client, "second-step@coffeeshop.test", AdminSession.Password);
        Assert.Contains("LoginWith2fa", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return (client, key, codes);
    }

    private async Task<int> RecoveryCodesLeftAsync(ShopFactory shop)
    {
        await using var scope = shop.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        return await users.CountRecoveryCodesAsync((await users.FindByEmailAsync("second-step@coffeeshop.test"))!);
    }

    [Fact]
    public async Task Post_RecoveryCode_CountsWithTheSignInPosts_AndTheAttemptOverTheLimitIs429EvenWithTheRightCode()
    {
        await using var shop = Limited();
        var (client, _, codes) = await AtTheSecondStepAsync(shop);
        var page = await client.GetDocumentAsync("/Identity/Account/LoginWithRecoveryCode?returnUrl=%2FAdmin");

        // The password was the first sign-in POST of this minute; a wrong recovery code is the second.
        var wrong = await client.SubmitAsync(page.Form("#recovery-form"), new Dictionary<string, string?> { ["Input.RecoveryCode"] = "wrong-code" });
        var right = await client.SubmitAsync(page.Form("#recovery-form"), new Dictionary<string, string?> { ["Input.RecoveryCode"] = codes[0] });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        AssertTooManyRequests(right);
        Assert.Equal(10, await RecoveryCodesLeftAsync(shop));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"))).StatusCode);
    }

    [Fact]
    public async Task Post_RecoveryCode_UnderTheLimit_SignsInOnceWithEachCode()
    {
        await using var shop = Limited();
        var (client, _, codes) = await AtTheSecondStepAsync(shop);
        var page = await client.GetDocumentAsync("/Identity/Account/LoginWithRecoveryCode?returnUrl=%2FAdmin%2FPayments");

        var signedIn = await client.SubmitAsync(page.Form("#recovery-form"), new Dictionary<string, string?> { ["Input.RecoveryCode"] = codes[0] });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/Admin/Payments", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(9, await RecoveryCodesLeftAsync(shop));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"))).StatusCode);
    }

    [Fact]
    public async Task Post_AuthenticatorCode_OverTheSignInLimit_Is429EvenWithTheRightCode()
    {
        await using var shop = Limited();
        var (client, key, _) = await AtTheSecondStepAsync(shop);
        var page = await client.GetDocumentAsync("/Identity/Account/LoginWith2fa");
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

        var wrong = await client.SubmitAsync(page.Form("#two-factor-form"), new Dictionary<string, string?> { ["Input.TwoFactorCode"] = code == "000000" ? "111111" : "000000" });
        var right = await client.SubmitAsync(page.Form("#two-factor-form"), new Dictionary<string, string?> { ["Input.TwoFactorCode"] = code });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        AssertTooManyRequests(right);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Admin/Payments"))).StatusCode);
    }

    [Fact]
    public async Task Post_ForgotPassword_ThirdInAMinute_Is429AndQueuesNoMore()
    {
        await using var shop = Limited();
        var client = shop.CreateBrowserClient();
        var email = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(shop, email, admin: true);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var page = await client.GetDocumentAsync("/Identity/Account/ForgotPassword");
            var response = await client.SubmitAsync(page.Form("#forgot-form"), new Dictionary<string, string?> { ["Input.Email"] = email });
            answers.Add(response.StatusCode);
            if (i == 2)
            {
                AssertTooManyRequests(response);
            }
        }

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], answers);
        await using var db = Db();
        Assert.Equal(2, await db.OutboxMessages.CountAsync(m => m.Recipient == email));
    }

    [Fact]
    public async Task Post_Refund_ThirdInAMinute_Is429()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 3);
        await shopper.PayAsync("ctoken_pm_card_visa");
        var admin = await AdminSession.SignInAsync(shop);
        long id;
        await using (var db = Db())
        {
            id = db.PaymentRecords.Single().Id;
        }

        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            var details = await admin.GetDocumentAsync($"/Admin/Payments/{id}");
            last = await admin.SubmitAsync(details.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "1.00" });
        }

        AssertTooManyRequests(last);
        Assert.Equal(2, Stripe.Refunds.Count);
    }

    [Fact]
    public async Task Post_Refund_WithTheHandlerNamedTwiceOrOnAnotherRoute_StillCountsAndOtherHandlersAreNotLimited()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 3);
        await shopper.PayAsync("ctoken_pm_card_visa");
        var admin = await AdminSession.SignInAsync(shop);
        long id;
        await using (var db = Db())
        {
            id = db.PaymentRecords.Single().Id;
        }

        var answers = new List<HttpStatusCode>();
        foreach (var action in new[] { $"/Admin/Payments/{id}?handler=Refund&handler=Refund", $"/admin/payments/{id}/?HANDLER=refund", $"/Admin/Payments/{id}?handler=Refund&handler=Refund" })
        {
            var details = await admin.GetDocumentAsync($"/Admin/Payments/{id}");
            var form = details.Form("#refund-form");
            form.SetAttribute("action", action);
            answers.Add((await admin.SubmitAsync(form, new Dictionary<string, string?> { ["Refund.Amount"] = "1.00" })).StatusCode);
        }

        var resyncs = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var details = await admin.GetDocumentAsync($"/Admin/Payments/{id}");
            resyncs.Add((await admin.SubmitAsync(details.Form("#resync-form"))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], answers);
        Assert.All(resyncs, r => Assert.Equal(HttpStatusCode.SeeOther, r));
        Assert.Equal(2, Stripe.Refunds.Count);
    }

    [Fact]
    public async Task Get_Return_FourthInAMinuteFromOneClientOnAnyRoute_Is429AndOtherClientsAreNotAffected()
    {
        // Behind a configured proxy: X-Forwarded-For tells clients apart (README, "Behind a proxy").
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
            ["RateLimits:PaymentStatusChecksPerMinute"] = "3",
        });
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_pm_card_visa");
        var order = await OrderAsync();

        HttpClient From(string address)
        {
            var client = SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), "10.0.0.2");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return client;
        }

        var one = From("203.0.113.7");
        var answers = new List<HttpStatusCode>();
        foreach (var path in new[] { "/Checkout/Return", "/Checkout/Return/", "/checkout/return" })
        {
            answers.Add((await one.GetAsync($"{path}?order={order}")).StatusCode);
        }

        var fourth = await one.GetAsync($"/CHECKOUT/RETURN?order={order}");
        var authenticate = await one.GetAsync($"/Checkout/Authenticate?order={order}");
        var other = await From("198.51.100.9").GetAsync($"/Checkout/Return?order={order}");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.SeeOther, a));
        AssertTooManyRequests(fourth);
        AssertTooManyRequests(authenticate);
        Assert.Equal(HttpStatusCode.SeeOther, other.StatusCode);
        Assert.DoesNotContain(Stripe.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Post_Checkout_FromTwoAddressesOfOneIpv6Slash64_ShareOneWindowAndAnotherSlash64IsNotLimited()
    {
        await using var shop = Limited();
        async Task<(Shopper Shopper, AngleSharp.Dom.IDocument Page)> ShopperAtAsync(string address)
        {
            var shopper = new Shopper(SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), address));
            await shopper.AddToCartAsync("kiambu-aa");
            return (shopper, await shopper.CheckoutPageAsync());
        }

        // Two addresses a client picks from its own /64, each with a cart of its own; a neighbour in the next /64.
        var (first, firstPage) = await ShopperAtAsync("2001:db8:1:2::1");
        var (second, secondPage) = await ShopperAtAsync("2001:db8:1:2:8a2e:370:7334:9");
        var (neighbour, neighbourPage) = await ShopperAtAsync("2001:db8:1:3::1");

        var answers = new List<HttpStatusCode>
        {
            (await first.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: firstPage)).StatusCode,
            (await second.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: secondPage)).StatusCode,
        };
        var third = await second.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: secondPage);
        var elsewhere = await neighbour.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: neighbourPage);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a));
        AssertTooManyRequests(third);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Equal(3, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents"));
    }

    [Fact]
    public async Task Post_Checkout_OneCartFromManyAddresses_IsCappedPerCartWhileAnotherCartIsNot()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["RateLimits:CheckoutPostsPerCartPerMinute"] = "2" });
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var page = await shopper.CheckoutPageAsync();

        // The same cart cookie from three addresses (and three /64s): each address is well within its own window.
        var answers = new List<HttpStatusCode>();
        foreach (var address in new[] { "203.0.113.7", "198.51.100.9", "2001:db8:5::1" })
        {
            SocketAddresses.ConnectFrom(shopper.Client, address);
            answers.Add((await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page)).StatusCode);
        }

        // Another cart, from the address whose request was just refused.
        var other = new Shopper(SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), "2001:db8:5::1"));
        await other.AddToCartAsync("kiambu-aa");
        var otherAnswer = await other.PayAsync("ctoken_pm_card_visa_chargeDeclined");

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.BadRequest, otherAnswer.StatusCode);
        Assert.Equal(3, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents"));
    }

    [Fact]
    public async Task Get_Return_WithoutAConfiguredProxy_XForwardedForIsIgnoredAndTheSocketCounts()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["RateLimits:PaymentStatusChecksPerMinute"] = "2" });
        var order = await PaidOrderAsync(shop);

        // One machine sending a new X-Forwarded-For each time, as a client rotating made-up addresses would.
        var answers = new List<HttpStatusCode>();
        foreach (var claimed in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
        {
            var client = SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), "192.0.2.10");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", claimed);
            answers.Add((await client.GetAsync($"/Checkout/Return?order={order}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task Get_Return_BehindAConfiguredProxyNetwork_XForwardedForIsHonouredForForwardLimitHopsOnly()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
            ["ForwardedHeaders:ForwardLimit"] = "2",
            ["RateLimits:PaymentStatusChecksPerMinute"] = "2",
        });
        var order = await PaidOrderAsync(shop);
        async Task<HttpStatusCode> GetAsync(string socket, string forwardedFor)
        {
            var client = SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), socket);
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            return (await client.GetAsync($"/Checkout/Return?order={order}")).StatusCode;
        }

        // Two proxies in a row (10.0.0.3, then 10.0.0.2): the client is the entry before them. Whatever the client
        // itself wrote further left is a third hop, beyond ForwardLimit, and changes nothing.
        var client = new List<HttpStatusCode>
        {
            await GetAsync("10.0.0.2", "203.0.113.7, 10.0.0.3"),
            await GetAsync("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.3"),
            await GetAsync("10.0.0.2", "198.51.100.2, 203.0.113.7, 10.0.0.3"),
        };
        var anotherClient = await GetAsync("10.0.0.2", "198.51.100.9, 10.0.0.3");

        // A sender outside the proxy network is not believed: its own address is the client.
        var direct = new List<HttpStatusCode>
        {
            await GetAsync("192.0.2.10", "203.0.113.50"),
            await GetAsync("192.0.2.10", "203.0.113.51"),
            await GetAsync("192.0.2.10", "203.0.113.52"),
        };

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], client);
        Assert.Equal(HttpStatusCode.SeeOther, anotherClient);
        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], direct);
    }

    [Fact]
    public async Task Get_OverHttpWithXForwardedProtoHttps_IsHttpsOnlyFromAConfiguredProxy()
    {
        await using var direct = new ShopFactory(Stripe);
        await using var proxied = new ShopFactory(Stripe, new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.2" });
        async Task<bool> SentHstsAsync(ShopFactory shop)
        {
            // HSTS is sent only over https, and never for localhost: so the shop's host, over plain http. A page
            // without forms: outside Development antiforgery refuses to issue a token over http at all.
            var client = SocketAddresses.ConnectFrom(shop.CreateBrowserClient(), "10.0.0.2");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("http://shop.coffeeshop.example/health/live"));
            request.Headers.Add("X-Forwarded-Proto", "https");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.Contains("Strict-Transport-Security");
        }

        Assert.False(await SentHstsAsync(direct));
        Assert.True(await SentHstsAsync(proxied));
    }

    private async Task<string> PaidOrderAsync(ShopFactory shop)
    {
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_pm_card_visa");
        return await OrderAsync();
    }

    private async Task<string> OrderAsync()
    {
        await using var db = Db();
        return db.Orders.Single().PublicId;
    }

    [Fact]
    public async Task Post_Webhook_IsNeverRateLimited()
    {
        await using var shop = Limited();
        var client = shop.CreateBrowserClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add((await client.DeliverAsync(Stripe.SignedEvent("customer.created", "{\"id\":\"cus_1\",\"object\":\"customer\"}"))).StatusCode);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
    }

    /// <summary>
    /// Every POST the app answers, on every route of every page, and the rate-limit policy that applies to it:
    /// a new page, handler or route gets no limit by accident, and a limited handler cannot be reached unlimited.
    /// </summary>
    private static readonly string[] ExpectedPostPolicies =
    [
        "POST /Admin/Orders/{id:long}?handler=Cancel -> refund-posts",
        "POST /Admin/Orders/{id:long}?handler=Deliver -> none",
        "POST /Admin/Orders/{id:long}?handler=Pack -> none",
        "POST /Admin/Orders/{id:long}?handler=Ship -> none",
        "POST /Admin/Emails/Index?handler=Resend -> none",
        "POST /Admin/Emails?handler=Resend -> none",
        "POST /Admin/Payments/{id:long}?handler=Refund -> refund-posts",
        "POST /Admin/Products/Import -> none",
        "POST /Admin/Payments/{id:long}?handler=Resolve -> none",
        "POST /Admin/Payments/{id:long}?handler=Resync -> none",
        "POST /Admin/Products/New -> none",
        "POST /Admin/Products/{id:int}?handler=Activate -> none",
        "POST /Admin/Products/{id:int}?handler=Deactivate -> none",
        "POST /Admin/Products/{id:int}?handler=Move -> none",
        "POST /Admin/Products/{id:int}?handler=Save -> none",
        "POST /Admin/Products/{id:int}/Photo?handler=Remove -> none",
        "POST /Admin/Products/{id:int}/Photo?handler=Upload -> none",
        "POST /Admin/Team/Index?handler=Disable -> none",
        "POST /Admin/Team?handler=Disable -> none",
        "POST /Admin/Team/Index?handler=Enable -> none",
        "POST /Admin/Team?handler=Enable -> none",
        "POST /Admin/Team/Index?handler=Invite -> none",
        "POST /Admin/Team?handler=Invite -> none",
        "POST /Admin/Team/Index?handler=Remove -> none",
        "POST /Admin/Team?handler=Remove -> none",
        "POST /Admin/Team/Index?handler=Revoke -> none",
        "POST /Admin/Team?handler=Revoke -> none",
        "POST /Cart/Index?handler=Add -> none",
        "POST /Cart/Index?handler=Remove -> none",
        "POST /Cart/Index?handler=Update -> none",
        "POST /Cart?handler=Add -> none",
        "POST /Cart?handler=Remove -> none",
        "POST /Cart?handler=Update -> none",
        "POST /Checkout -> checkout-posts, checkout-posts-per-cart",
        "POST /Checkout/Index -> checkout-posts, checkout-posts-per-cart",
        "POST /Checkout/SimulatedAuthentication -> none",
        "POST /Enrol -> sign-in-posts",
        "POST /Enrol/Index -> sign-in-posts",
        "POST /Error/{code:int?} -> none",
        "POST /Identity/Account/ForgotPassword -> sign-in-posts",
        "POST /Identity/Account/Login -> sign-in-posts",
        "POST /Identity/Account/LoginWith2fa -> sign-in-posts",
        "POST /Identity/Account/LoginWithRecoveryCode -> sign-in-posts",
        "POST /Identity/Account/Logout -> none",
        "POST /Identity/Account/Manage -> none",
        "POST /Identity/Account/Manage/ChangePassword -> none",
        "POST /Identity/Account/Manage/DeletePersonalData -> none",
        "POST /Identity/Account/Manage/Disable2fa -> none",
        "POST /Identity/Account/Manage/DownloadPersonalData -> none",
        "POST /Identity/Account/Manage/Email?handler=ChangeEmail -> none",
        "POST /Identity/Account/Manage/Email?handler=SendVerificationEmail -> none",
        "POST /Identity/Account/Manage/EnableAuthenticator -> none",
        "POST /Identity/Account/Manage/ExternalLogins?handler=LinkLogin -> none",
        "POST /Identity/Account/Manage/ExternalLogins?handler=RemoveLogin -> none",
        "POST /Identity/Account/Manage/GenerateRecoveryCodes -> none",
        "POST /Identity/Account/Manage/Index -> none",
        "POST /Identity/Account/Manage/ResetAuthenticator -> none",
        "POST /Identity/Account/Manage/SetPassword -> none",
        "POST /Identity/Account/Manage/TwoFactorAuthentication -> none",
        "POST /Identity/Account/ResetPassword -> sign-in-posts",
        "POST /webhooks/stripe -> none",
    ];

    [Fact]
    public async Task Endpoints_EveryPostOnEveryRoute_HasItsExpectedRateLimitPolicy()
    {
        var loader = Factory.Services.GetRequiredService<PageLoader>();
        var actual = new List<string>();
        foreach (var endpoint in Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var pagePolicy = endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null
                ? endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName
                : null;
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } descriptor)
            {
                if (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Post) == true)
                {
                    actual.Add($"POST {route} -> {pagePolicy ?? "none"}");
                }

                continue;
            }

            var page = descriptor as CompiledPageActionDescriptor ?? await loader.LoadAsync(descriptor, endpoint.Metadata);
            var handlerPolicies = page.EndpointMetadata.OfType<HandlerRateLimits>().SingleOrDefault();
            foreach (var handler in page.HandlerMethods)
            {
                var handlerPolicy = handlerPolicies?.PoliciesOf(handler.MethodInfo) is [_, ..] named ? string.Join(", ", named) : null;
                if (HttpMethods.IsPost(handler.HttpMethod))
                {
                    actual.Add($"POST {route}{(handler.Name is null ? "" : "?handler=" + handler.Name)} -> {handlerPolicy ?? pagePolicy ?? "none"}");
                }
                else
                {
                    // The POST policies never reach a page's GET.
                    Assert.True(handlerPolicy is null, $"{handler.HttpMethod} {route} {handler.Name}: {handlerPolicy}");
                }
            }
        }

        Assert.Equal(ExpectedPostPolicies.Order(StringComparer.Ordinal), actual.Distinct().Order(StringComparer.Ordinal));
    }
}
