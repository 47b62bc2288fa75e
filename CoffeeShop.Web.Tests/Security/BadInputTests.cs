using System.Net;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Tests.Infrastructure;
using static CoffeeShop.Web.Tests.Security.HostileInput;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>
/// Sends malformed requests to every form and endpoint of the shop and checks each one: no 5xx, a clear
/// 4xx (or the page again with a validation message), no row changed in any table, and no hostile
/// value echoed unescaped. Each case is its own theory row, named, after a clean database and its own set-up.
/// </summary>
public class BadInputTests(ShopFixture fixture, BadInputShop shop) : ShopTest(fixture), IClassFixture<BadInputShop>
{
    /// <summary>What a malformed request must get, besides "no 5xx, no row changed, nothing echoed unescaped".</summary>
    private enum Expect
    {
        /// <summary>400 and the page again, with a validation message.</summary>
        Validation,

        /// <summary>400, whatever the body (antiforgery, webhook signature, an unreadable form).</summary>
        BadRequest,

        /// <summary>Any 4xx: the precise code is the fix's choice.</summary>
        ClientError,

        NotFound,

        MethodNotAllowed,

        PayloadTooLarge,

        /// <summary>302 to the sign-in page: a forged or missing session is anonymous.</summary>
        SignIn,

        /// <summary>303 back to a page whose notice says why nothing was done (a well-formed request the rules refuse).</summary>
        RedirectWithNotice,

        /// <summary>303 to a page that answers 404.</summary>
        RedirectToNotFound,

        /// <summary>303 to the order's page: /Checkout/Return treats its query as a hint and never trusts it.</summary>
        RedirectToOrder,

        /// <summary>200: an optional filter value that does not parse is ignored (documented per case).</summary>
        Ignored,
    }

    /// <summary>One malformed request: where it starts, how it is sent, what must come back, and the value that must not be echoed.</summary>
    private sealed record BadCase(string Name, CaseArea Area, Expect Expect, Func<BadInputContext, Task<HttpResponseMessage>> Send, string? Payload = null);

    private const string Token = "__RequestVerificationToken";
    private const string GoodEmail = "ada@example.com";
    private const string GoodConfirmationToken = "ctoken_pm_card_visa";
    private const string Nobody = "nobody@example.com";
    private const string NotThePassword = "not-the-password-of-anyone";
    // The tests' app runs outside Development, where the shop's cookies carry the __Host- prefix.
    private const string AntiforgeryCookie = Web.Infrastructure.ShopCookies.HostPrefix + Web.Infrastructure.ShopCookies.Antiforgery;
    private const string CartCookie = Web.Infrastructure.ShopCookies.HostPrefix + Web.Shopping.CartCookie.Name;
    private const string AdminCookie = Web.Infrastructure.ShopCookies.HostPrefix + AdminRegistration.CookieName;
    private const string Refund = "/Admin/Payments/{paymentId}?handler=Refund";
    private const string Resync = "/Admin/Payments/{paymentId}?handler=Resync";

    private static readonly Dictionary<string, BadCase> Cases = Index(
    [
        .. CartCases(),
        .. CheckoutCases(),
        .. SignInCases(),
        .. RefundCases(),
        .. ResyncCases(),
        .. AdminGetCases(),
        .. PublicGetCases(),
        .. WebhookCases(),
    ]);

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in Cases.Keys)
            {
                names.Add(name);
            }

            return names;
        }
    }

    [Fact]
    public void Cases_AreAtLeast150()
    {
        Assert.True(Cases.Count >= 150, $"only {Cases.Count} malformed requests");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task MalformedRequest_IsRefusedAndChangesNoRow(string name)
    {
        var bad = Cases[name];
        using var context = await BadInputContext.PrepareAsync(Fixture, shop, bad.Area);
        var before = await AllTablesSnapshot.SnapshotAsync();
        var othersAuditedBefore = await AuditedOtherThanFailedSignInsAsync();

        HttpResponseMessage sent;
        try
        {
            sent = await bad.Send(context);
        }
        catch (HttpRequestException ex)
        {
            // A response that started (headers sent) and then broke off: what a browser sees as a failed download.
            throw new Xunit.Sdk.XunitException($"{name}: the app aborted the response mid-stream: {ex.GetBaseException().Message}");
        }

        using var response = sent;
        var body = await response.Content.ReadAsStringAsync();
        var after = await AllTablesSnapshot.SnapshotAsync();

        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{name}: answered {status}: {Excerpt(body)}");
        var changed = AllTablesSnapshot.Changed(before, after).ToList();
        if (bad.Area == CaseArea.SignIn && changed.Remove("public.\"audit_log\""))
        {
            // A refused sign-in is itself kept: the audit log gains failed sign-ins, and nothing else.
            Assert.Equal(othersAuditedBefore, await AuditedOtherThanFailedSignInsAsync());
        }

        Assert.True(changed.Count == 0, $"{name}: answered {status} and changed rows in {string.Join(", ", changed)}");
        if (bad.Payload is { } payload && NeedsEscaping(payload))
        {
            Assert.False(body.Contains(payload, StringComparison.Ordinal), $"{name}: the response echoes the payload unescaped: {Excerpt(body, payload)}");
            Assert.False(response.Headers.Location?.OriginalString.Contains(payload, StringComparison.Ordinal) == true,
                $"{name}: the Location header echoes the payload: {response.Headers.Location}");
        }

        await AssertExpectedAsync(bad, context, response, body);
    }

    private async Task<int> AuditedOtherThanFailedSignInsAsync()
    {
        await using var db = Fixture.NewDbContext();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.AuditLog, e => e.Action != CoffeeShop.Web.Domain.AuditAction.SignInFailed);
    }

    private static async Task AssertExpectedAsync(BadCase bad, BadInputContext context, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString;
        var said = $"{bad.Name}: answered {status}{(location is null ? "" : " to " + location)}";
        switch (bad.Expect)
        {
            case Expect.Validation:
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, said);
                var page = await HtmlForms.ParseAsync(response);
                var messages = string.Join(" | ", page.QuerySelectorAll(".errors li").Select(li => li.TextContent.Trim()));
                Assert.True(messages.Length > 0, $"{said} without a validation message: {Excerpt(body)}");
                break;
            case Expect.BadRequest:
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, said);
                break;
            case Expect.ClientError:
                Assert.True(status is >= 400 and < 500, said);
                break;
            case Expect.NotFound:
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, said);
                break;
            case Expect.MethodNotAllowed:
                Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, said);
                break;
            case Expect.PayloadTooLarge:
                Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, said);
                break;
            case Expect.SignIn:
                Assert.True(response.StatusCode == HttpStatusCode.Redirect && location?.Contains(AdminRegistration.SignInPath, StringComparison.Ordinal) == true, said);
                break;
            case Expect.RedirectWithNotice:
                Assert.True(response.StatusCode == HttpStatusCode.SeeOther && location?.StartsWith('/') == true, said);
                using (var landing = await context.FollowAsync(response))
                {
                    Assert.True(landing.StatusCode == HttpStatusCode.OK, $"{said}, which answered {(int)landing.StatusCode}");
                    var notice = (await HtmlForms.ParseAsync(landing)).QuerySelector(".notice")?.TextContent;
                    Assert.False(string.IsNullOrWhiteSpace(notice), $"{said}: the page shows no notice");
                }

                break;
            case Expect.RedirectToNotFound:
                Assert.True(response.StatusCode == HttpStatusCode.SeeOther && location?.StartsWith('/') == true, said);
                using (var next = await context.FollowAsync(response))
                {
                    Assert.True(next.StatusCode == HttpStatusCode.NotFound, $"{said}, which answered {(int)next.StatusCode}");
                }

                break;
            case Expect.RedirectToOrder:
                Assert.True(response.StatusCode == HttpStatusCode.SeeOther && location == context.Fill("/Orders/{orderId}"), said);
                break;
            case Expect.Ignored:
                Assert.True(response.StatusCode == HttpStatusCode.OK, said);
                break;
            default:
                throw new InvalidOperationException($"Unknown expectation {bad.Expect}.");
        }
    }

    private static string Excerpt(string body, string? around = null)
    {
        var at = around is null ? -1 : body.IndexOf(around, StringComparison.Ordinal);
        var start = Math.Max(0, at - 120);
        var text = body.Substring(start, Math.Min(body.Length - start, at < 0 ? 400 : around!.Length + 240));
        return text.Length > 600 ? text[..600] + "…" : text;
    }

    private static Dictionary<string, BadCase> Index(IEnumerable<BadCase> cases)
    {
        var index = new Dictionary<string, BadCase>(StringComparer.Ordinal);
        foreach (var bad in cases)
        {
            if (!index.TryAdd(bad.Name, bad))
            {
                throw new InvalidOperationException($"Two cases are named '{bad.Name}'.");
            }
        }

        return index;
    }

    // ---- building blocks ------------------------------------------------------------------------

    /// <summary>The fields in order; a null value leaves the field out.</summary>
    private static (string Name, string Value)[] Fields(params (string Name, string? Value)[] fields) =>
        [.. fields.Where(f => f.Value is not null).Select(f => (f.Name, f.Value!))];

    private static string? FirstHostile(params string?[] values) => values.FirstOrDefault(v => v is not null && NeedsEscaping(v));

    private static BadCase Post(string name, CaseArea area, string path, (string Name, string Value)[] fields, Expect expect,
        string? payload = null, IReadOnlyDictionary<string, string?>? cookies = null) =>
        new(name, area, expect, c => c.SendAsync(HttpMethod.Post, path, c.Form(fields), cookies), payload);

    private static BadCase Send(string name, CaseArea area, Expect expect, HttpMethod method, string path,
        Func<BadInputContext, HttpContent?> content, string? payload = null, IReadOnlyDictionary<string, string?>? cookies = null,
        IReadOnlyDictionary<string, string>? headers = null) =>
        new(name, area, expect, c => c.SendAsync(method, path, content(c), cookies, headers), payload);

    private static BadCase Get(string name, CaseArea area, string pathAndQuery, Expect expect, string? payload = null,
        IReadOnlyDictionary<string, string?>? cookies = null) =>
        new(name, area, expect, c => c.SendAsync(HttpMethod.Get, pathAndQuery, null, cookies), payload);

    private static Dictionary<string, string?> Cookie(string name, string? value) => new(StringComparer.Ordinal) { [name] = value };

    private static string Escaped(string value) => Uri.EscapeDataString(value);

    // ---- the cart -------------------------------------------------------------------------------

    private static (string, string)[] CartFields(string? product = "{kiambu-aa}", string? quantity = "1", string? token = "{af}") =>
        Fields((Token, token), ("Input.ProductId", product), ("Input.Quantity", quantity));

    private static BadCase Cart(string handler, string name, string? product = "{kiambu-aa}", string? quantity = "1",
        Expect expect = Expect.Validation, (string, string)[]? extra = null, IReadOnlyDictionary<string, string?>? cookies = null) =>
        Post($"cart {handler.ToLowerInvariant()}: {name}", CaseArea.Cart, $"/Cart?handler={handler}", [.. CartFields(product, quantity), .. extra ?? []],
            expect, FirstHostile(product, quantity), cookies);

    private static IEnumerable<BadCase> CartCases()
    {
        // Add: one bad value each; the rest of the form is the product page's own.
        yield return Cart("Add", "quantity missing", quantity: null);
        yield return Cart("Add", "product id missing", product: null);
        yield return Cart("Add", "quantity zero", quantity: "0");
        yield return Cart("Add", "quantity negative", quantity: "-1");
        yield return Cart("Add", "quantity above 99", quantity: "100");
        yield return Cart("Add", "quantity int overflow", quantity: IntOverflow);
        yield return Cart("Add", "quantity long overflow", quantity: LongOverflow);
        yield return Cart("Add", "quantity 10 001 digits", quantity: LongDigits);
        yield return Cart("Add", "quantity fraction", quantity: "1.5");
        // Model binding's Int32Converter reads "0x0A" as 10 (a valid add), so the hexadecimal case is out of range.
        yield return Cart("Add", "quantity hexadecimal past 99", quantity: "0x7FFFFFFF");
        yield return Cart("Add", "quantity full-width digit", quantity: FullWidthDigits);
        yield return Cart("Add", "quantity Arabic-Indic digit", quantity: ArabicIndicDigits);
        yield return Cart("Add", "quantity right-to-left override", quantity: RightToLeftOverride);
        yield return Cart("Add", "quantity with NUL", quantity: Nul, expect: Expect.BadRequest);
        yield return Cart("Add", "quantity SQL", quantity: Sql);
        yield return Cart("Add", "quantity script tag", quantity: Script);
        yield return Cart("Add", "quantity attribute breakout", quantity: ImgTag);
        yield return Cart("Add", "quantity past 99 with the 2 already in the cart", quantity: "98");
        yield return Cart("Add", "product id negative", product: "-1");
        yield return Cart("Add", "product id unknown", product: "999999");
        yield return Cart("Add", "product id long overflow", product: LongOverflow);
        yield return Cart("Add", "product id SQL drop", product: SqlDrop);
        yield return Cart("Add", "product id SQL tautology", product: Sql);
        yield return Cart("Add", "product id script tag", product: Script);
        yield return Cart("Add", "product id with NUL", product: Nul, expect: Expect.BadRequest);
        yield return Cart("Add", "product id path traversal", product: Traversal);
        yield return Cart("Add", "product out of stock", product: "{decaf-sierra}");
        yield return Cart("Add", "quantity duplicated, both out of range", quantity: "0", extra: [("Input.Quantity", "100")]);
        yield return Cart("Add", "product id duplicated, both unknown", product: "0", extra: [("Input.ProductId", "999999")]);

        // Update and Remove.
        yield return Cart("Update", "quantity zero", quantity: "0");
        yield return Cart("Update", "quantity above 99", quantity: "100");
        yield return Cart("Update", "quantity script tag", quantity: Script);
        yield return Cart("Update", "quantity with NUL", quantity: Nul, expect: Expect.BadRequest);
        yield return Cart("Update", "product not in the cart", product: "{huila-el-mirador}", quantity: "2");
        yield return Cart("Update", "product id SQL tautology", product: Sql, quantity: "2");
        yield return Cart("Remove", "product id missing", product: null, quantity: null);
        yield return Cart("Remove", "product not in the cart", product: "{huila-el-mirador}", quantity: null);
        yield return Cart("Remove", "product id SQL tautology", product: Sql, quantity: null);
        yield return Cart("Remove", "product id attribute breakout", product: ImgTag, quantity: null);
        yield return Cart("Remove", "product id duplicated, neither in the cart", product: "{huila-el-mirador}", quantity: null, extra: [("Input.ProductId", "999999")]);

        // Forged, missing or misplaced antiforgery: the form is otherwise valid, so only antiforgery stands in the way.
        yield return Post("cart add: antiforgery token missing", CaseArea.Cart, "/Cart?handler=Add", CartFields(token: null), Expect.BadRequest);
        yield return Post("cart add: antiforgery token forged", CaseArea.Cart, "/Cart?handler=Add", CartFields(token: ForgedAntiforgeryToken), Expect.BadRequest);
        yield return Post("cart add: antiforgery token duplicated with a forged one", CaseArea.Cart, "/Cart?handler=Add",
            [.. CartFields(), (Token, ForgedAntiforgeryToken)], Expect.BadRequest);
        yield return Post("cart add: antiforgery token in the query string only", CaseArea.Cart, "/Cart?handler=Add&__RequestVerificationToken={af}",
            CartFields(token: null), Expect.BadRequest);
        yield return new BadCase("cart add: antiforgery token of another visitor", CaseArea.Cart, Expect.BadRequest, async c =>
        {
            var foreign = await c.ForeignAntiforgeryTokenAsync("/Products/kiambu-aa", "form.add");
            return await c.SendAsync(HttpMethod.Post, "/Cart?handler=Add", c.Form(CartFields(token: foreign)));
        });
        yield return Post("cart add: antiforgery cookie garbage", CaseArea.Cart, "/Cart?handler=Add", CartFields(), Expect.BadRequest,
            cookies: Cookie(AntiforgeryCookie, "garbage"));
        yield return Post("cart add: antiforgery cookie missing", CaseArea.Cart, "/Cart?handler=Add", CartFields(), Expect.BadRequest,
            cookies: Cookie(AntiforgeryCookie, null));

        // Bodies that are not a url-encoded form.
        yield return Send("cart add: JSON body", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            _ => JunkBodies.Json("""{"__RequestVerificationToken":"x","Input":{"ProductId":1,"Quantity":1}}"""));
        yield return Send("cart add: text/plain body", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            c => JunkBodies.Text(c.FillEncoded("__RequestVerificationToken={af}&Input.ProductId={kiambu-aa}&Input.Quantity=1")));
        yield return Send("cart add: multipart that is not multipart", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            _ => JunkBodies.BrokenMultipart());
        yield return Send("cart add: multipart with the quantity as a binary file", CaseArea.Cart, Expect.Validation, HttpMethod.Post, "/Cart?handler=Add",
            c => JunkBodies.MultipartWithFile(c["af"], "Input.Quantity"));
        yield return Send("cart add: invalid UTF-8 in the quantity", CaseArea.Cart, Expect.Validation, HttpMethod.Post, "/Cart?handler=Add",
            c => c.RawForm("__RequestVerificationToken={af}&Input.ProductId={kiambu-aa}&Input.Quantity=", InvalidUtf8));
        yield return Send("cart add: 2 MB quantity", CaseArea.Cart, Expect.Validation, HttpMethod.Post, "/Cart?handler=Add",
            c => c.Form(CartFields(quantity: new string('9', 2 * 1024 * 1024))));
        yield return Send("cart add: 5 MB field, over the form reader's limit", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            c => JunkBodies.Huge(c, 5 * 1024 * 1024, CartFields()));
        yield return Send("cart add: 5 000 fields, over the form reader's limit", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            c => JunkBodies.TooManyFields(c, CartFields()));
        yield return Send("cart add: field name over the form reader's limit", CaseArea.Cart, Expect.BadRequest, HttpMethod.Post, "/Cart?handler=Add",
            c => JunkBodies.OverlongFieldName(c, CartFields()));

        // Two handlers named: whichever runs, the product is not in the cart.
        yield return Post("cart: handler duplicated", CaseArea.Cart, "/Cart?handler=Update&handler=Remove",
            CartFields(product: "{huila-el-mirador}", quantity: "2"), Expect.Validation);

        // Handlers and methods that do not exist (with a valid token, so that antiforgery lets them through).
        // A post that names no handler is a 404 (RequestGuards.UnknownHandlerFilter), not a page rendered with nothing loaded.
yield return Post("cart: unknown handler", CaseArea.Cart, "/Cart?handler=Empty", CartFields(), Expect.NotFound);
        yield return Post("cart: no handler", CaseArea.Cart, "/Cart", CartFields(), Expect.NotFound);
        yield return Post("cart: handler script tag", CaseArea.Cart, "/Cart?handler=" + Escaped(Script), CartFields(), Expect.NotFound, Script);
        yield return Send("cart add: PUT instead of POST", CaseArea.Cart, Expect.ClientError, HttpMethod.Put, "/Cart?handler=Add", c => c.Form(CartFields()));
        yield return Send("cart remove: DELETE instead of POST", CaseArea.Cart, Expect.ClientError, HttpMethod.Delete, "/Cart?handler=Remove", c => c.Form(CartFields()));

        // Forged cart cookies: the cart is found by the cookie only, so a bad one finds no cart (and must not make one by updating).
        yield return Cart("Update", "cart cookie garbage", quantity: "3", cookies: Cookie(CartCookie, "not-a-guid"));
        yield return Cart("Update", "cart cookie of an unknown cart", quantity: "3", cookies: Cookie(CartCookie, "0123456789abcdef0123456789abcdef"));
        yield return Cart("Remove", "cart cookie SQL", quantity: null, cookies: Cookie(CartCookie, Escaped(Sql)));
        yield return Cart("Add", "cart cookie garbage and quantity zero", quantity: "0", cookies: Cookie(CartCookie, "%00%0D%0A"));
    }

    // ---- the checkout ---------------------------------------------------------------------------

    private static (string, string)[] CheckoutFields(string? email = GoodEmail, string? confirmation = GoodConfirmationToken,
        string? checkoutId = "{checkoutId}", string? fingerprint = "{fingerprint}", string? token = "{af}") =>
        Fields((Token, token), ("Input.CheckoutId", checkoutId), ("Input.CartFingerprint", fingerprint), ("Input.Email", email),
            ("Input.ConfirmationToken", confirmation));

    /// <summary>A checkout post with one bad value; the rest is the page's own form, paid with a card the fake Stripe accepts.</summary>
    private static BadCase Checkout(string name, string? email = GoodEmail, string? confirmation = GoodConfirmationToken,
        string? checkoutId = "{checkoutId}", string? fingerprint = "{fingerprint}", Expect expect = Expect.Validation,
        (string, string)[]? extra = null, IReadOnlyDictionary<string, string?>? cookies = null) =>
        Post($"checkout: {name}", CaseArea.Checkout, "/Checkout", [.. CheckoutFields(email, confirmation, checkoutId, fingerprint), .. extra ?? []],
            expect, FirstHostile(email, confirmation, checkoutId, fingerprint), cookies);

    private static IEnumerable<BadCase> CheckoutCases()
    {
        yield return Checkout("email missing", email: null);
        yield return Checkout("email not an address", email: "not-an-email");
        yield return Checkout("email 10 001 characters", email: LongEmail);
        yield return Checkout("email with CRLF header injection", email: "ada@example.com\r\nBcc: victim@example.com");
        // The address checks are lax by design (any one @): these pair the hostile address with a missing card,
        // so they test that the page shows the address back escaped.
        yield return Checkout("email SQL, card missing", email: Sql + "@example.com", confirmation: null);
        yield return Checkout("email script tag, card missing", email: Script + "@example.com", confirmation: null);
        yield return Checkout("email attribute breakout, card missing", email: ImgTag + "@example.com", confirmation: null);
        yield return Checkout("email emoji, card missing", email: "\u2615\U0001F525@example.com", confirmation: null);
        // Everything else valid: PostgreSQL text cannot hold NUL. ASP.NET Core's form reader refuses a NUL in any form value
        // (InvalidDataException, then 400 from antiforgery), so no NUL from a form ever reaches a handler.
        yield return Checkout("email with NUL", email: "ada\0@example.com", expect: Expect.BadRequest);
        yield return Checkout("email duplicated, both invalid", email: "not-an-email", extra: [("Input.Email", "also@not@valid")]);
        yield return Checkout("card token missing", confirmation: null);
        yield return Checkout("card token without its prefix", confirmation: "pm_card_visa");
        yield return Checkout("card token 10 001 characters", confirmation: "ctoken_" + LongText);
        yield return Checkout("card token script tag", confirmation: "ctoken_" + Script);
        yield return Checkout("card token with NUL", confirmation: "ctoken_pm\0", expect: Expect.BadRequest);
        yield return Checkout("card token with a trailing newline", confirmation: GoodConfirmationToken + "\n");
        yield return Checkout("card token duplicated, both invalid", confirmation: "pm_card_visa", extra: [("Input.ConfirmationToken", "ctoken_<>")]);
        yield return Checkout("checkout id missing", checkoutId: null);
        yield return Checkout("checkout id not a GUID", checkoutId: "not-a-guid");
        yield return Checkout("checkout id script tag", checkoutId: Script);
        yield return Checkout("cart fingerprint of another cart", fingerprint: new string('0', 32));
        yield return Checkout("cart fingerprint attribute breakout", fingerprint: ImgTag);
        yield return Checkout("cart fingerprint duplicated, both wrong", fingerprint: new string('1', 32), extra: [("Input.CartFingerprint", new string('2', 32))]);

        yield return Post("checkout: antiforgery token missing", CaseArea.Checkout, "/Checkout", CheckoutFields(token: null), Expect.BadRequest);
        yield return Post("checkout: antiforgery token forged", CaseArea.Checkout, "/Checkout", CheckoutFields(token: ForgedAntiforgeryToken), Expect.BadRequest);
        yield return new BadCase("checkout: antiforgery token of another visitor", CaseArea.Checkout, Expect.BadRequest, async c =>
        {
            var foreign = await c.ForeignAntiforgeryTokenAsync(AdminRegistration.SignInPath, "form.sign-in-form");
            return await c.SendAsync(HttpMethod.Post, "/Checkout", c.Form(CheckoutFields(token: foreign)));
        });
        yield return Post("checkout: antiforgery cookie garbage", CaseArea.Checkout, "/Checkout", CheckoutFields(), Expect.BadRequest,
            cookies: Cookie(AntiforgeryCookie, "CfDJ8garbage"));
        yield return Send("checkout: JSON body", CaseArea.Checkout, Expect.BadRequest, HttpMethod.Post, "/Checkout",
            c => JunkBodies.Json(c.Fill("""{"Input":{"Email":"ada@example.com","ConfirmationToken":"ctoken_pm_card_visa","CheckoutId":"{checkoutId}"}}""")));
        yield return Send("checkout: multipart that is not multipart", CaseArea.Checkout, Expect.BadRequest, HttpMethod.Post, "/Checkout",
            _ => JunkBodies.BrokenMultipart());
        yield return Send("checkout: invalid UTF-8 in the card token", CaseArea.Checkout, Expect.Validation, HttpMethod.Post, "/Checkout",
            c => c.RawForm("__RequestVerificationToken={af}&Input.CheckoutId={checkoutId}&Input.CartFingerprint={fingerprint}&Input.Email=ada%40example.com&Input.ConfirmationToken=ctoken_", InvalidUtf8));
        yield return Send("checkout: 2 MB email", CaseArea.Checkout, Expect.Validation, HttpMethod.Post, "/Checkout",
            c => c.Form(CheckoutFields(email: new string('a', 2 * 1024 * 1024) + "@example.com")));
        // No cart behind the cookie: nothing to pay for, the shopper is sent back to the (empty) cart with a notice.
        yield return Checkout("cart cookie garbage", expect: Expect.RedirectWithNotice, cookies: Cookie(CartCookie, "garbage"));
    }

    // ---- the sign-in form -----------------------------------------------------------------------

    private static (string, string)[] SignInFields(string? email = Nobody, string? password = NotThePassword, string? token = "{af}") =>
        Fields((Token, token), ("Input.Email", email), ("Input.Password", password));

    /// <summary>A sign-in for an email with no account: it can only fail, and a failure for no account writes nothing.</summary>
    private static BadCase SignIn(string name, string? email = Nobody, string? password = NotThePassword, string? returnUrl = null,
        (string, string)[]? extra = null, IReadOnlyDictionary<string, string?>? cookies = null, Expect expect = Expect.Validation) =>
        Post($"sign-in: {name}", CaseArea.SignIn, AdminRegistration.SignInPath + (returnUrl is null ? "" : "?returnUrl=" + Escaped(returnUrl)),
            [.. SignInFields(email, password), .. extra ?? []], expect, FirstHostile(email, password, returnUrl), cookies);

    private static IEnumerable<BadCase> SignInCases()
    {
        yield return SignIn("email missing", email: null);
        yield return SignIn("password missing", password: null);
        yield return SignIn("email not an address", email: "nobody");
        yield return SignIn("email 10 001 characters", email: LongEmail);
        yield return SignIn("password 2 MB", password: new string('p', 2 * 1024 * 1024));
        yield return SignIn("email SQL", email: Sql + "@example.com");
        yield return SignIn("email script tag", email: Script + "@example.com");
        yield return SignIn("email attribute breakout", email: ImgTag + "@example.com");
        yield return SignIn("email with NUL", email: "nobody\0@example.com", expect: Expect.BadRequest);
        yield return SignIn("password with NUL", password: "pass\0word-long-enough", expect: Expect.BadRequest);
        yield return SignIn("email with CRLF", email: "nobody@example.com\r\nX-Injected: 1");
        yield return SignIn("email duplicated, neither has an account", extra: [("Input.Email", "other@example.com")]);
        yield return SignIn("over-posted fields", extra: [("Input.RememberMe", "true"), ("Input.IsAdmin", "true"), ("Role", "Admin")]);
        yield return SignIn("return address with a script", returnUrl: "/\"><script>alert(1)</script>");
        yield return SignIn("return address javascript:", returnUrl: "javascript:alert(1)");
        yield return SignIn("return address with NUL", returnUrl: "/\0", expect: Expect.BadRequest);
        yield return SignIn("admin cookie garbage", cookies: Cookie(AdminCookie, "garbage"));

        yield return Post("sign-in: antiforgery token missing", CaseArea.SignIn, AdminRegistration.SignInPath, SignInFields(token: null), Expect.BadRequest);
        yield return Post("sign-in: antiforgery token forged", CaseArea.SignIn, AdminRegistration.SignInPath, SignInFields(token: ForgedAntiforgeryToken), Expect.BadRequest);
        yield return Post("sign-in: antiforgery cookie missing", CaseArea.SignIn, AdminRegistration.SignInPath, SignInFields(), Expect.BadRequest,
            cookies: Cookie(AntiforgeryCookie, null));
        yield return Send("sign-in: JSON body", CaseArea.SignIn, Expect.BadRequest, HttpMethod.Post, AdminRegistration.SignInPath,
            _ => JunkBodies.Json("""{"Input":{"Email":"nobody@example.com","Password":"x"}}"""));
        yield return Send("sign-in: invalid UTF-8 in the email", CaseArea.SignIn, Expect.Validation, HttpMethod.Post, AdminRegistration.SignInPath,
            c => c.RawForm("__RequestVerificationToken={af}&Input.Password=x&Input.Email=nobody", [.. InvalidUtf8, .. "@example.com"u8]));
    }

    // ---- the admin's refund and re-sync ---------------------------------------------------------

    private static (string, string)[] RefundFields(string? amount = "1.00", string? requestId = "{requestId}", string? reason = "", string? token = "{af}") =>
        Fields((Token, token), ("Refund.RequestId", requestId), ("Refund.Amount", amount), ("Refund.Reason", reason));

    /// <summary>A refund of the seeded €25.00 payment with one bad value; the rest is the detail page's own form.</summary>
    private static BadCase RefundOf(string name, string? amount = "1.00", string? requestId = "{requestId}", string? reason = "",
        Expect expect = Expect.Validation, (string, string)[]? extra = null) =>
        Post($"admin refund: {name}", CaseArea.Admin, Refund, [.. RefundFields(amount, requestId, reason), .. extra ?? []], expect,
            FirstHostile(amount, requestId, reason));

    private static IEnumerable<BadCase> RefundCases()
    {
        yield return RefundOf("amount missing", amount: null);
        yield return RefundOf("amount not a number", amount: "abc");
        yield return RefundOf("amount negative", amount: "-1");
        yield return RefundOf("amount with three decimals", amount: "1.234");
        yield return RefundOf("amount long overflow", amount: LongOverflow);
        yield return RefundOf("amount full-width", amount: "\uFF11.\uFF10\uFF10");
        yield return RefundOf("amount with NUL", amount: "1\0.00", expect: Expect.BadRequest);
        yield return RefundOf("amount SQL", amount: Sql);
        yield return RefundOf("amount script tag", amount: Script);
        yield return RefundOf("amount attribute breakout", amount: ImgTag);
        yield return RefundOf("amount duplicated, both invalid", amount: "abc", extra: [("Refund.Amount", "-1")]);
        // Well-formed amounts that the refund rules refuse before a refund row is written.
        yield return RefundOf("amount zero", amount: "0", expect: Expect.RedirectWithNotice);
        yield return RefundOf("amount one cent over the payment", amount: "25.01", expect: Expect.RedirectWithNotice);
        yield return RefundOf("amount 999 999 999", amount: "999999999", expect: Expect.RedirectWithNotice);
        yield return RefundOf("request id missing", requestId: null);
        yield return RefundOf("request id not a GUID", requestId: "not-a-guid");
        yield return RefundOf("request id script tag", requestId: Script);
        yield return RefundOf("reason not in the list", reason: "hacker");
        yield return RefundOf("reason script tag", reason: Script);
        yield return RefundOf("reason with NUL", reason: "duplicate\0", expect: Expect.BadRequest);

        yield return Post("admin refund: antiforgery token missing", CaseArea.Admin, Refund, RefundFields(token: null), Expect.BadRequest);
        yield return Post("admin refund: antiforgery token forged", CaseArea.Admin, Refund, RefundFields(token: ForgedAntiforgeryToken), Expect.BadRequest);
        yield return new BadCase("admin refund: antiforgery token of an anonymous visitor", CaseArea.Admin, Expect.BadRequest, async c =>
        {
            var foreign = await c.ForeignAntiforgeryTokenAsync(AdminRegistration.SignInPath, "form.sign-in-form");
            return await c.SendAsync(HttpMethod.Post, Refund, c.Form(RefundFields(token: foreign)));
        });
        yield return Post("admin refund: antiforgery cookie garbage", CaseArea.Admin, Refund, RefundFields(), Expect.BadRequest,
            cookies: Cookie(AntiforgeryCookie, "garbage"));
        yield return Send("admin refund: JSON body", CaseArea.Admin, Expect.BadRequest, HttpMethod.Post, Refund,
            c => JunkBodies.Json(c.Fill("""{"Refund":{"RequestId":"{requestId}","Amount":"1.00"}}""")));
        yield return Send("admin refund: multipart that is not multipart", CaseArea.Admin, Expect.BadRequest, HttpMethod.Post, Refund,
            _ => JunkBodies.BrokenMultipart());
        yield return Send("admin refund: invalid UTF-8 in the amount", CaseArea.Admin, Expect.Validation, HttpMethod.Post, Refund,
            c => c.RawForm("__RequestVerificationToken={af}&Refund.RequestId={requestId}&Refund.Amount=1", InvalidUtf8));
        yield return Send("admin refund: 2 MB amount", CaseArea.Admin, Expect.Validation, HttpMethod.Post, Refund,
            c => c.Form(RefundFields(amount: new string('1', 2 * 1024 * 1024))));

        // A forged session is anonymous: sent to sign in, before antiforgery or the handler.
        yield return Post("admin refund: admin cookie garbage", CaseArea.Admin, Refund, RefundFields(), Expect.SignIn, cookies: Cookie(AdminCookie, "garbage"));
        yield return Post("admin refund: admin cookie forged ticket", CaseArea.Admin, Refund, RefundFields(), Expect.SignIn,
            cookies: Cookie(AdminCookie, "CfDJ8" + new string('A', 400)));

        // Ids the route refuses or that name no payment.
        yield return Post("admin refund: id not a number", CaseArea.Admin, "/Admin/Payments/abc?handler=Refund", RefundFields(), Expect.NotFound);
        yield return Post("admin refund: id past long", CaseArea.Admin, "/Admin/Payments/99999999999999999999?handler=Refund", RefundFields(), Expect.NotFound);
        yield return Post("admin refund: id unknown", CaseArea.Admin, "/Admin/Payments/999999999?handler=Refund", RefundFields(), Expect.NotFound);
        yield return Post("admin refund: id path traversal", CaseArea.Admin, "/Admin/Payments/..%2F..%2Fetc%2Fpasswd?handler=Refund", RefundFields(), Expect.NotFound);
        yield return Post("admin refund: id with a double-encoded NUL", CaseArea.Admin, "/Admin/Payments/1%2500?handler=Refund", RefundFields(), Expect.NotFound);
    }

    private static IEnumerable<BadCase> ResyncCases()
    {
        (string, string)[] form = [(Token, "{af}")];
        yield return Post("admin re-sync: antiforgery token missing", CaseArea.Admin, Resync, [], Expect.BadRequest);
        yield return Post("admin re-sync: antiforgery cookie garbage", CaseArea.Admin, Resync, form, Expect.BadRequest, cookies: Cookie(AntiforgeryCookie, "garbage"));
        yield return Send("admin re-sync: JSON body", CaseArea.Admin, Expect.BadRequest, HttpMethod.Post, Resync, _ => JunkBodies.Json("{}"));
        yield return Post("admin re-sync: admin cookie garbage", CaseArea.Admin, Resync, form, Expect.SignIn, cookies: Cookie(AdminCookie, "garbage"));
        yield return Post("admin re-sync: admin cookie missing", CaseArea.Admin, Resync, form, Expect.SignIn, cookies: Cookie(AdminCookie, null));
        yield return Post("admin re-sync: id not a number", CaseArea.Admin, "/Admin/Payments/abc?handler=Resync", form, Expect.NotFound);
        yield return Post("admin re-sync: id path traversal", CaseArea.Admin, "/Admin/Payments/..%2F..%2Fetc%2Fpasswd?handler=Resync", form, Expect.NotFound);
        yield return Post("admin re-sync: id script tag", CaseArea.Admin, "/Admin/Payments/" + Escaped(Script) + "?handler=Resync", form, Expect.NotFound, Script);
        // As for the cart: no handler of that name, 404.
yield return Post("admin payment: unknown handler", CaseArea.Admin, "/Admin/Payments/{paymentId}?handler=Delete", form, Expect.NotFound);
        // The route accepts any long; the handler answers with a redirect to a detail page that does not exist.
        yield return Post("admin re-sync: id negative", CaseArea.Admin, "/Admin/Payments/-1?handler=Resync", form, Expect.NotFound);
        yield return Post("admin re-sync: id unknown", CaseArea.Admin, "/Admin/Payments/999999999?handler=Resync", form, Expect.NotFound);
    }

    // ---- the admin's GET pages ------------------------------------------------------------------

    private static BadCase AdminGet(string name, string query, Expect expect, string? payload = null) =>
        Get($"admin GET: {name}", CaseArea.Admin, query, expect, payload);

    private static IEnumerable<BadCase> AdminGetCases()
    {
        yield return AdminGet("status unknown", "/Admin/Payments?status=Bogus", Expect.BadRequest);
        yield return AdminGet("status undefined number", "/Admin/Payments?status=999", Expect.BadRequest);
        yield return AdminGet("status script tag", "/Admin/Payments?status=" + Escaped(Script), Expect.BadRequest, Script);
        yield return AdminGet("status one valid one unknown", "/Admin/Payments?status=Succeeded&status=Bogus", Expect.BadRequest);
        yield return AdminGet("from not a date", "/Admin/Payments?from=not-a-date", Expect.BadRequest);
        yield return AdminGet("from month 13", "/Admin/Payments?from=2026-13-45", Expect.BadRequest);
        yield return AdminGet("from attribute breakout", "/Admin/Payments?from=" + Escaped(ImgTag), Expect.BadRequest, ImgTag);
        // Dates outside 2000..2999 are refused by PaymentFilter.Validate (they would overflow the time-zone arithmetic).
yield return AdminGet("from the first day there is", "/Admin/Payments?from=0001-01-01", Expect.BadRequest);
        yield return AdminGet("to the last day there is", "/Admin/Payments?to=9999-12-31", Expect.BadRequest);
        yield return AdminGet("export to the last day there is", "/Admin/Payments?handler=Export&to=9999-12-31", Expect.BadRequest);
        yield return AdminGet("to SQL", "/Admin/Payments?to=" + Escaped(Sql), Expect.BadRequest, Sql);
        yield return AdminGet("attention not a boolean", "/Admin/Payments?attention=maybe", Expect.BadRequest);
        // A cursor that does not parse is ignored: the first page is shown (PaymentFilter.TryParseCursor).
        yield return AdminGet("cursor garbage", "/Admin/Payments?before=garbage", Expect.Ignored);
        yield return AdminGet("cursor at the end of time", "/Admin/Payments?before=253402300799999999_9223372036854775807", Expect.Ignored);
        yield return AdminGet("cursor script tag", "/Admin/Payments?before=" + Escaped(Script), Expect.Ignored, Script);
        // A search is free text: any string is a search that finds nothing, shown back escaped.
        yield return AdminGet("search SQL", "/Admin/Payments?q=" + Escaped(Sql), Expect.Ignored, Sql);
        yield return AdminGet("search script tag", "/Admin/Payments?q=" + Escaped(Script), Expect.Ignored, Script);
        // A NUL in the query is refused before the page runs; PostgreSQL would refuse it in text.
yield return AdminGet("search with NUL", "/Admin/Payments?q=a%00b", Expect.BadRequest);
        yield return AdminGet("export search with NUL", "/Admin/Payments?handler=Export&q=a%00b", Expect.BadRequest);
        yield return AdminGet("search 10 001 characters", "/Admin/Payments?q=" + LongText, Expect.Ignored);
        yield return AdminGet("search order reference past long", "/Admin/Payments?q=CS-" + LongOverflow, Expect.Ignored);
        yield return AdminGet("export with a bad date", "/Admin/Payments?handler=Export&from=garbage", Expect.BadRequest);
        yield return AdminGet("payment id not a number", "/Admin/Payments/abc", Expect.NotFound);
        yield return AdminGet("payment id past long", "/Admin/Payments/99999999999999999999", Expect.NotFound);
        yield return AdminGet("payment id double-encoded NUL", "/Admin/Payments/%2500", Expect.NotFound);
        yield return AdminGet("payment id path traversal", "/Admin/Payments/..%2F..%2Fetc%2Fpasswd", Expect.NotFound);
        yield return AdminGet("payment id script tag", "/Admin/Payments/" + Escaped(Script), Expect.NotFound, Script);
        yield return Get("admin GET: payments with admin cookie garbage", CaseArea.Admin, "/Admin/Payments", Expect.SignIn, cookies: Cookie(AdminCookie, "garbage"));
        yield return Get("admin GET: dashboard with admin cookie garbage", CaseArea.Admin, "/Admin", Expect.SignIn, cookies: Cookie(AdminCookie, Escaped(Script)));
        yield return Get("admin GET: payment with admin cookie 10 001 characters", CaseArea.Admin, "/Admin/Payments/{paymentId}", Expect.SignIn,
            cookies: Cookie(AdminCookie, LongText));
    }

    // ---- public GET pages -----------------------------------------------------------------------

    private static BadCase PublicGet(string name, string pathAndQuery, Expect expect = Expect.NotFound, string? payload = null, CaseArea area = CaseArea.Anonymous) =>
        Get($"GET {name}", area, pathAndQuery, expect, payload);

    private static IEnumerable<BadCase> PublicGetCases()
    {
        yield return PublicGet("product slug path traversal", "/Products/..%2F..%2Fetc%2Fpasswd");
        // A raw %00 in a path never reaches the app: Kestrel answers 400 itself and TestServer refuses to send it.
        // Double-encoded, it arrives as the text "%00".
        yield return PublicGet("product slug double-encoded NUL", "/Products/%2500");
        yield return PublicGet("product slug with a double-encoded NUL after a real one", "/Products/kiambu-aa%2500");
        yield return PublicGet("product slug script tag", "/Products/" + Escaped(Script), payload: Script);
        yield return PublicGet("product slug SQL", "/Products/" + Escaped(Sql), payload: Sql);
        yield return PublicGet("product slug 10 001 characters", "/Products/" + LongText);
        yield return PublicGet("product slug right-to-left", "/Products/" + Escaped("\u202Eaa-ubmaik"));
        yield return PublicGet("product slug invalid UTF-8", "/Products/%C3%28%FF");
        yield return PublicGet("product slug CRLF", "/Products/kiambu-aa%0D%0ASet-Cookie:%20evil=1");
        yield return PublicGet("order id path traversal", "/Orders/..%2F..%2Fetc%2Fpasswd");
        yield return PublicGet("order id double-encoded NUL", "/Orders/%2500");
        yield return PublicGet("order id SQL", "/Orders/" + Escaped("' OR '1'='1"), payload: "' OR '1'='1");
        yield return PublicGet("order id script tag", "/Orders/" + Escaped(Script), payload: Script);
        yield return PublicGet("order id with a double-encoded NUL after a real one", "/Orders/{orderId}%2500", area: CaseArea.Order);
        yield return PublicGet("invoice order id script tag", "/Orders/" + Escaped(Script) + "/Invoice", payload: Script);
        yield return PublicGet("invoice order id SQL", "/Orders/" + Escaped(Sql) + "/Invoice", payload: Sql);
        yield return PublicGet("invoice order id 10 001 characters", "/Orders/" + LongText + "/Invoice");
        yield return PublicGet("invoice order id with a double-encoded NUL after a real one", "/Orders/{orderId}%2500/Invoice", area: CaseArea.Order);
        yield return PublicGet("credit note number not a number", "/Orders/{orderId}/CreditNotes/abc", area: CaseArea.Order);
        yield return PublicGet("credit note number past long", "/Orders/{orderId}/CreditNotes/99999999999999999999", area: CaseArea.Order);
        yield return PublicGet("credit note number negative", "/Orders/{orderId}/CreditNotes/-1", area: CaseArea.Order);
        yield return PublicGet("credit note number script tag", "/Orders/{orderId}/CreditNotes/" + Escaped(Script), payload: Script, area: CaseArea.Order);
        yield return PublicGet("credit note of no refund", "/Orders/{orderId}/CreditNotes/1", area: CaseArea.Order);
        yield return PublicGet("return without an order", "/Checkout/Return");
        yield return PublicGet("return order SQL", "/Checkout/Return?order=" + Escaped(Sql), payload: Sql);
        yield return PublicGet("return order script tag", "/Checkout/Return?order=" + Escaped(Script), payload: Script);
        // A NUL in any query value is refused before a page runs (RequestGuards): PostgreSQL would refuse it in text.
        yield return PublicGet("return order NUL", "/Checkout/Return?order=%00", Expect.BadRequest);
        yield return PublicGet("return order 10 001 characters", "/Checkout/Return?order=" + LongText);
        yield return PublicGet("return payment intent script tag", "/Checkout/Return?order={orderId}&payment_intent=" + Escaped(Script),
            Expect.RedirectToOrder, Script, CaseArea.Order);
        yield return PublicGet("return payment intent SQL", "/Checkout/Return?order={orderId}&payment_intent=" + Escaped("pi_" + Sql),
            Expect.RedirectToOrder, "pi_" + Sql, CaseArea.Order);
        yield return PublicGet("return payment intent 10 001 characters", "/Checkout/Return?order={orderId}&payment_intent=pi_" + LongText,
            Expect.RedirectToOrder, area: CaseArea.Order);
        yield return PublicGet("return payment intent NUL", "/Checkout/Return?order={orderId}&payment_intent=pi_%00", Expect.BadRequest, area: CaseArea.Order);
        yield return PublicGet("authenticate order SQL", "/Checkout/Authenticate?order=" + Escaped(Sql), payload: Sql);
        yield return PublicGet("authenticate order script tag", "/Checkout/Authenticate?order=" + Escaped(Script), payload: Script);
        yield return PublicGet("authenticate order NUL", "/Checkout/Authenticate?order=%00", Expect.BadRequest);
        // Nothing left to authenticate: the customer is sent to the order, from the database alone.
        yield return PublicGet("authenticate for a paid order", "/Checkout/Authenticate?order={orderId}", Expect.RedirectToOrder, area: CaseArea.Order);
    }

    // ---- the Stripe webhook ---------------------------------------------------------------------

    private static BadCase Webhook(string name, Func<BadInputContext, HttpContent?> body, string? signature, Expect expect = Expect.BadRequest,
        HttpMethod? method = null) =>
        Send($"webhook: {name}", CaseArea.Anonymous, expect, method ?? HttpMethod.Post, "/webhooks/stripe", body,
            headers: signature is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["Stripe-Signature"] = signature });

    private static BadCase Webhook(string name, string body, string? signature, Expect expect = Expect.BadRequest) =>
        Webhook(name, _ => ForgedWebhooks.Body(body), signature, expect);

    private static IEnumerable<BadCase> WebhookCases()
    {
        var e = ForgedWebhooks.Event;
        var zeros = new string('0', 64);
        yield return Webhook("no signature", e, null);
        yield return Webhook("garbage signature", e, "garbage");
        yield return Webhook("timestamp not a number", e, $"t=abc,v1={zeros}");
        yield return Webhook("timestamp past long", e, $"t={LongOverflow}0,v1={zeros}");
        yield return SignedWebhook("signature of zeros", e, () => $"t={ForgedWebhooks.Now},v1={zeros}");
        yield return SignedWebhook("signed with another secret", e, () => ForgedWebhooks.Sign(e, secret: "whsec_not_the_shops"));
        yield return SignedWebhook("signed ten minutes ago", e, () => ForgedWebhooks.Sign(e, DateTimeOffset.UtcNow.AddMinutes(-10)));
        yield return SignedWebhook("signed for another payload", e.Replace("2500", "1", StringComparison.Ordinal), () => ForgedWebhooks.Sign(e));
        yield return SignedWebhook("signature with 1 000 entries", e, () => $"t={ForgedWebhooks.Now}," + string.Join(',', Enumerable.Repeat("v1=" + zeros, 1_000)));
        yield return Webhook("signature 10 001 characters", e, LongText);
        yield return Webhook("not JSON, unsigned", "this is not json", "t=1,v1=x");
        yield return Webhook("empty body, unsigned", "", null);
        yield return Webhook("text/plain body", _ => ForgedWebhooks.Body(e, "text/plain"), "t=1,v1=x");
        yield return Webhook("multipart junk", _ => JunkBodies.BrokenMultipart(), "t=1,v1=x");
        yield return Webhook("invalid UTF-8 body", _ => ForgedWebhooks.Body(InvalidUtf8), "t=1,v1=x");
        yield return Webhook("600 KB body", _ => ForgedWebhooks.Body(new string(' ', 600 * 1024) + e), "t=1,v1=x", Expect.PayloadTooLarge);
        yield return Webhook("2 MB body", _ => ForgedWebhooks.Body(new string('x', 2 * 1024 * 1024)), "t=1,v1=x", Expect.PayloadTooLarge);
        yield return Webhook("GET", _ => null, null, Expect.NotFound, HttpMethod.Get);
        yield return Webhook("PUT", _ => ForgedWebhooks.Body(e), null, Expect.MethodNotAllowed, HttpMethod.Put);
        // Correctly signed, but no event inside: only a holder of the secret could send these; they must still not break anything.
        yield return SignedWebhook("not JSON, correctly signed", "this is not json", () => ForgedWebhooks.Sign("this is not json"));
        yield return SignedWebhook("empty body, correctly signed", "", () => ForgedWebhooks.Sign(""));
        // Signed, but not an event (no id or type): refused as malformed.
yield return SignedWebhook("JSON array, correctly signed", "[]", () => ForgedWebhooks.Sign("[]"));
        yield return SignedWebhook("JSON null, correctly signed", "null", () => ForgedWebhooks.Sign("null"));
        yield return SignedWebhook("empty object, correctly signed", "{}", () => ForgedWebhooks.Sign("{}"));
    }

    private static Dictionary<string, string> Header(string signature) => new(StringComparer.Ordinal) { ["Stripe-Signature"] = signature };

    /// <summary>A delivery whose signature is computed when the case runs (signatures carry the time).</summary>
    private static BadCase SignedWebhook(string name, string body, Func<string> signature) =>
        new($"webhook: {name}", CaseArea.Anonymous, Expect.BadRequest,
            c => c.SendAsync(HttpMethod.Post, "/webhooks/stripe", ForgedWebhooks.Body(body), headers: Header(signature())));
}
