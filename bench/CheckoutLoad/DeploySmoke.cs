using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OtpNet;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>
/// scripts/deploy-smoke's walk through a freshly deployed shop, over HTTPS through its proxy, as its first
/// people would: the empty shop says "no coffee yet"; the admin made by create-admin follows the enrolment
/// link (sign-in, authenticator key, code) and puts a coffee on sale; a customer browses, fills a cart and
/// pays; Stripe delivers the signed webhook; the admin finds the payment in the list. Every answer is checked
/// for the status the step expects (so never a 5xx); each step prints one "SMOKE ok" line.
/// </summary>
internal sealed class DeploySmoke(ShopClient shop, Options options)
{
    private const string Slug = "deploy-smoke-house";
    private readonly Customer _admin = new();
    private readonly Customer _customer = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var empty = await GetAsync(_customer, "/", HttpStatusCode.OK, cancellationToken);
        Expect(empty.Contains("id=\"no-coffee-yet\"", StringComparison.Ordinal), "the new shop's catalog does not say \"No coffee yet\"");
        Ok("the empty shop says: No coffee yet");

        await EnrolAdminAsync(cancellationToken);
        await StockCoffeeAsync(cancellationToken);

        // An instance that showed the empty catalog to a first visitor keeps that page for PageCache:LifetimeSeconds
        // (30 s): the coffee shows on every instance within it.
        var until = DateTime.UtcNow.AddSeconds(45);
        while (!(await GetAsync(_customer, "/", HttpStatusCode.OK, cancellationToken)).Contains($"/Products/{Slug}", StringComparison.Ordinal))
        {
            Expect(DateTime.UtcNow < until, "the catalog does not show the new coffee 45 s after it was activated");
            await Task.Delay(1000, cancellationToken);
        }
        var product = await GetAsync(_customer, $"/Products/{Slug}", HttpStatusCode.OK, cancellationToken);
        var add = ShopClient.FormFields(product, "class=\"add\"", out var addAction);
        await PostAsync(_customer, addAction ?? $"/Products/{Slug}", Replace(add, ("Input.Quantity", "2")), HttpStatusCode.SeeOther, cancellationToken);
        var cart = await GetAsync(_customer, "/Cart", HttpStatusCode.OK, cancellationToken);
        Expect(cart.Contains("Deploy Smoke House", StringComparison.Ordinal), "the cart does not hold the coffee");
        Ok("a customer browsed the catalog and put 2 bags in the cart");

        var checkout = await GetAsync(_customer, "/Checkout", HttpStatusCode.OK, cancellationToken);
        var pay = ShopClient.FormFields(checkout, "id=\"checkout-form\"", out _);
        var paid = await PostAsync(_customer, "/Checkout", Replace(pay,
            ("Input.Email", "first-customer@example.com"), ("Input.Name", "First Customer"), ("Input.Line1", "Röstereistraße 1"),
            ("Input.Line2", ""), ("Input.PostalCode", "10115"), ("Input.City", "Berlin"), ("Input.Country", "DE"), ("Input.Phone", ""),
            ("Input.ConfirmationToken", "ctoken_pm_card_visa")), HttpStatusCode.SeeOther, cancellationToken);
        var orderPath = paid.Headers.Location?.OriginalString ?? "";
        Expect(orderPath.StartsWith("/Orders/", StringComparison.Ordinal), $"the checkout sent the customer to '{orderPath}', not to the order");
        var order = await GetAsync(_customer, orderPath, HttpStatusCode.OK, cancellationToken);
        Expect(order.Contains("Deploy Smoke House", StringComparison.Ordinal), "the order page does not show the coffee");
        Ok($"the customer paid by card and sees the order ({orderPath})");

        var paymentIntentId = await DeliverWebhookAsync(cancellationToken);

        var payments = await GetAsync(_admin, "/Admin/Payments", HttpStatusCode.OK, cancellationToken);
        Expect(payments.Contains(paymentIntentId, StringComparison.Ordinal), $"/Admin/Payments does not list {paymentIntentId}");
        Ok($"the admin's payments list shows {paymentIntentId}");
        return 0;
    }

    /// <summary>create-admin's one-time link: sign-in form, the authenticator key, the code an app would show.</summary>
    private async Task EnrolAdminAsync(CancellationToken cancellationToken)
    {
        var link = new Uri(options.Get("enrol-link"), UriKind.Absolute).PathAndQuery;
        using (var toSignIn = await SendAsync(_admin, HttpMethod.Get, link, null, HttpStatusCode.Redirect, cancellationToken))
        {
            var login = toSignIn.Headers.Location!.OriginalString;
            var page = await GetAsync(_admin, login, HttpStatusCode.OK, cancellationToken);
            var fields = ShopClient.FormFields(page, "class=\"sign-in-form\"", out var action);
            using var signedIn = await PostAsync(_admin, action ?? login, Replace(fields,
                ("Input.Email", options.Get("admin-email")), ("Input.Password", options.Get("admin-password"))), HttpStatusCode.Redirect, cancellationToken);
            var back = signedIn.Headers.Location!.OriginalString;
            Expect(back.Contains("EnableAuthenticator", StringComparison.Ordinal), $"the sign-in sent the admin to '{back}', not back to the enrolment link");
        }

        var enrol = await GetAsync(_admin, link, HttpStatusCode.OK, cancellationToken);
        var keyStart = enrol.IndexOf("id=\"shared-key\">", StringComparison.Ordinal);
        Expect(keyStart >= 0, "the enrolment page shows no authenticator key");
        keyStart += "id=\"shared-key\">".Length;
        var key = enrol[keyStart..enrol.IndexOf('<', keyStart)].Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        var form = ShopClient.FormFields(enrol, "id=\"authenticator-form\"", out var enrolAction);
        var enrolled = await PostAsync(_admin, enrolAction ?? link, Replace(form, ("Input.Code", code)), HttpStatusCode.OK, cancellationToken);
        var page2 = await enrolled.Content.ReadAsStringAsync(cancellationToken);
        Expect(page2.Contains("id=\"recovery-codes\"", StringComparison.Ordinal), "turning two-factor on showed no recovery codes");
        Ok("the admin followed create-admin's link, signed in and turned two-factor sign-in on");
    }

    /// <summary>The catalog admin: a new coffee (hidden, no bags), 20 bags received, shown in the shop.</summary>
    private async Task StockCoffeeAsync(CancellationToken cancellationToken)
    {
        var form = await GetAsync(_admin, "/Admin/Products/New", HttpStatusCode.OK, cancellationToken);
        var fields = ShopClient.FormFields(form, "id=\"product-form\"", out var action);
        using var created = await PostAsync(_admin, action ?? "/Admin/Products/New", Replace(fields,
            ("Input.Name", "Deploy Smoke House"), ("Input.Slug", Slug), ("Input.Origin", "Colombia"), ("Input.Roast", "Medium"),
            ("Input.WeightGrams", "250"), ("Input.Price", "14.50"), ("Input.TastingNotes", "cocoa, orange"),
            ("Input.Description", "The house blend of a freshly deployed shop.")), HttpStatusCode.SeeOther, cancellationToken);
        var editPath = created.Headers.Location!.OriginalString;
        var edit = await GetAsync(_admin, editPath, HttpStatusCode.OK, cancellationToken);
        var move = ShopClient.FormFields(edit, "id=\"move-form\"", out var moveAction);
        await PostAsync(_admin, moveAction!, Replace(move, ("Move.Reason", "Received"), ("Move.Bags", "20"), ("Move.Note", "first delivery")), HttpStatusCode.SeeOther, cancellationToken);
        edit = await GetAsync(_admin, editPath, HttpStatusCode.OK, cancellationToken);
        var activate = ShopClient.FormFields(edit, "id=\"active-form\"", out var activateAction);
        await PostAsync(_admin, activateAction!, activate, HttpStatusCode.SeeOther, cancellationToken);
        Ok($"the admin created a coffee on /Admin/Products, received 20 bags and activated it ({editPath})");
    }

    /// <summary>What Stripe sends after the payment: payment_intent.succeeded with the PaymentIntent as Stripe has it, signed.</summary>
    private async Task<string> DeliverWebhookAsync(CancellationToken cancellationToken)
    {
        using var stripe = new HttpClient { BaseAddress = new Uri(options.Get("stripe")) };
        stripe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Get("stripe-key"));
        var list = JsonNode.Parse(await stripe.GetStringAsync(new Uri("v1/payment_intents?limit=1", UriKind.Relative), cancellationToken))!;
        var intent = list["data"]!.AsArray().Single()!;
        var id = (string)intent["id"]!;
        Expect((string?)intent["status"] == "succeeded", $"Stripe has {id} as {(string?)intent["status"]}, not succeeded");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = StripeEvents.Payload("evt_deploy_smoke_" + created.ToString(CultureInfo.InvariantCulture), "payment_intent.succeeded", intent, created);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.SignatureHeader(payload, options.Get("webhook-secret")));
        using var response = await shop.Http.SendAsync(request, cancellationToken);
        Expect(response.StatusCode == HttpStatusCode.OK, $"the signed webhook answered {(int)response.StatusCode}, expected 200");
        Ok($"a signed payment_intent.succeeded webhook for {id} was accepted");
        return id;
    }

    private static List<KeyValuePair<string, string>> Replace(List<KeyValuePair<string, string>> fields, params (string Name, string Value)[] values)
    {
        var names = values.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var result = fields.Where(f => !names.Contains(f.Key)).ToList();
        result.AddRange(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
        return result;
    }

    private async Task<string> GetAsync(Customer who, string url, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(who, HttpMethod.Get, url, null, expected, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private Task<HttpResponseMessage> PostAsync(Customer who, string url, List<KeyValuePair<string, string>> fields, HttpStatusCode expected, CancellationToken cancellationToken) =>
        SendAsync(who, HttpMethod.Post, url, new FormUrlEncodedContent(fields), expected, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(Customer who, HttpMethod method, string url, HttpContent? content, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var response = await shop.Http.SendAsync(who.Request(method, url, content), cancellationToken);
        who.Store(response);
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new BenchException($"{method} {url} answered {(int)response.StatusCode}, expected {(int)expected}: {body[..Math.Min(body.Length, 600)]}");
        }

        return response;
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new BenchException(problem);
        }
    }

    private static void Ok(string step) => Console.WriteLine($"SMOKE ok: {step}");
}
