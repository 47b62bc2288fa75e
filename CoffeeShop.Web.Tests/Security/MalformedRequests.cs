using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stripe;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>The hostile values the bad-input tests send, named so that a failing case reads well.</summary>
public static class HostileInput
{
    public const string Sql = "' OR 1=1 --";
    public const string SqlDrop = "1; DROP TABLE products; --";
    public const string Script = "<script>alert(1)</script>";
    public const string ImgTag = "\"><img src=x onerror=alert(1)>";
    public const string IntOverflow = "2147483648";
    public const string LongOverflow = "9223372036854775808";
    public const string FullWidthDigits = "\uFF15";
    public const string ArabicIndicDigits = "\u0665";
    public const string RightToLeftOverride = "\u202E5";
    public const string Nul = "1\0";
    public const string Traversal = "../../etc/passwd";
    public const string ForgedAntiforgeryToken = "CfDJ8Forged_Token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    /// <summary>10 001 digits: overflows every integer type and every column.</summary>
    public static readonly string LongDigits = new('7', 10_001);

    /// <summary>10 001 letters.</summary>
    public static readonly string LongText = new('x', 10_001);

    /// <summary>An email address longer than any column (10 000+ characters).</summary>
    public static readonly string LongEmail = new string('a', 10_001) + "@example.com";

    /// <summary>Bytes that are not UTF-8: a truncated sequence, a lone continuation byte, 0xFF and 0xFE.</summary>
    public static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0x80, 0xFF, 0xFE, 0xE2, 0x82];

    /// <summary>Whether the payload would be dangerous if a page echoed it unescaped.</summary>
    public static bool NeedsEscaping(string payload) => payload.IndexOfAny(['<', '"', '\'']) >= 0;
}

/// <summary>Per-table checksums of every table in the public schema (what TableSnapshot computes, over all of them).</summary>
public static class AllTablesSnapshot
{
    /// <summary>Kept out: the migration history never changes at run time; data-protection keys may be created lazily by any request.</summary>
    private static readonly string[] Skipped = ["__ef_migrations_history", "data_protection_keys"];

    private static string[]? _tables;

    public static async Task<IReadOnlyDictionary<string, string>> SnapshotAsync() =>
        await TableSnapshot.TakeAsync(_tables ??= await ListAsync());

    /// <summary>The names of the tables that differ between two snapshots.</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(t => !before.TryGetValue(t, out var b) || !after.TryGetValue(t, out var a) || a != b)
            .Order(StringComparer.Ordinal).ToList();

    private static async Task<string[]> ListAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name", connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            if (!Skipped.Contains(name, StringComparer.Ordinal))
            {
                // Quoted: Identity's tables are mixed case (AspNetUsers).
                tables.Add("public.\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            }
        }

        Assert.True(tables.Count >= 10, $"only {tables.Count} tables found in the public schema: is the database migrated?");
        return [.. tables];
    }
}

/// <summary>
/// The shop the admin cases run against: a second app on the fixture's database and fake Stripe whose only
/// difference is that passwords are hashed with one PBKDF2 iteration, so that each admin case (a fresh
/// database, so a new admin) signs in in milliseconds instead of hashing twice at full cost. Every other
/// case runs against the fixture's own app.
/// </summary>
public sealed class BadInputShop : IAsyncLifetime
{
    private ShopFactory? _factory;

    public ShopFactory AdminApp(ShopFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        return _factory ??= new ShopFactory(fixture.Stripe,
            services: services => services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

/// <summary>Which page a case starts from; it decides what the case's set-up does before the "before" snapshot.</summary>
public enum CaseArea
{
    /// <summary>A visitor with no cookies.</summary>
    Anonymous,

    /// <summary>Two bags of Kiambu AA in the cart, the cart page's antiforgery token.</summary>
    Cart,

    /// <summary>One bag in the cart and the checkout form: token, checkout id and cart fingerprint.</summary>
    Checkout,

    /// <summary>The sign-in page's token; no account exists.</summary>
    SignIn,

    /// <summary>A paid payment (seeded), a signed-in admin and its detail page's refund form (on <see cref="BadInputShop"/>'s app).</summary>
    Admin,

    /// <summary>An anonymous visitor and a paid order (seeded) whose public id is known.</summary>
    Order,
}

/// <summary>A browser whose cookies a case can read and forge: cookies kept in a jar, no redirects followed.</summary>
public sealed class ForgeableBrowser : IDisposable
{
    private readonly HttpClient _raw;

    public ForgeableBrowser(ShopFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Cookies = new CookieContainer();
#pragma warning disable CA2000 // The handler belongs to the client, which disposes it.
        Client = factory.CreateDefaultClient(ShopFactory.BaseAddress, new CookieContainerHandler(Cookies));
#pragma warning restore CA2000
        _raw = factory.CreateDefaultClient(ShopFactory.BaseAddress);
    }

    public CookieContainer Cookies { get; }

    /// <summary>Keeps cookies like a browser.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// Sends with this browser's cookies, except <paramref name="overrides"/>: a value replaces the cookie
    /// (raw, so it may be anything a header can carry), null removes it. Nothing is stored back in the jar.
    /// </summary>
    public Task<HttpResponseMessage> SendWithCookiesAsync(HttpRequestMessage request, IReadOnlyDictionary<string, string?> overrides)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(overrides);
        var jar = Cookies.GetCookies(ShopFactory.BaseAddress).ToDictionary(c => c.Name, c => (string?)c.Value, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            jar[name] = value;
        }

        var header = string.Join("; ", jar.Where(c => c.Value is not null).Select(c => $"{c.Key}={c.Value}"));
        if (header.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", header);
        }

        return _raw.SendAsync(request);
    }

    public void Dispose()
    {
        Client.Dispose();
        _raw.Dispose();
    }
}

/// <summary>
/// What one case starts with: a browser that went through the area's set-up and the values it read
/// from real pages (antiforgery token, ids), which a case refers to as <c>{name}</c> placeholders.
/// </summary>
public sealed class BadInputContext : IDisposable
{
    public const string PaidAmount = "25.00";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string?>? _forgedCookies;

    private BadInputContext(ShopFactory factory)
    {
        Factory = factory;
        Session = new ForgeableBrowser(factory);
    }

    public ShopFactory Factory { get; }

    public ForgeableBrowser Session { get; }

    public string this[string key] => _values[key];

    public static async Task<BadInputContext> PrepareAsync(ShopFixture fixture, BadInputShop shop, CaseArea area)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(shop);
        var context = new BadInputContext(area == CaseArea.Admin ? shop.AdminApp(fixture) : fixture.Factory);
        try
        {
            await context.SetUpAsync(fixture, area);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private async Task SetUpAsync(ShopFixture fixture, CaseArea area)
    {
        await using (var db = fixture.NewDbContext())
        {
            foreach (var product in await db.Products.Select(p => new { p.Slug, p.Id }).ToListAsync())
            {
                _values[product.Slug] = product.Id.ToString(CultureInfo.InvariantCulture);
            }

            if (area is CaseArea.Admin or CaseArea.Order)
            {
                var record = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddHours(-1));
                _values["paymentId"] = record.Id.ToString(CultureInfo.InvariantCulture);
                _values["orderId"] = await db.Orders.Where(o => o.Id == record.OrderId).Select(o => o.PublicId).SingleAsync();
            }
        }

        var client = Session.Client;
        switch (area)
        {
            case CaseArea.Cart:
                Assert.Equal(HttpStatusCode.SeeOther, (await new Shopper(client).AddToCartAsync("kiambu-aa", 2)).StatusCode);
                _values["af"] = (await client.GetDocumentAsync("/Cart")).Form("form[action*='handler=Update']").AntiforgeryToken();
                break;
            case CaseArea.Checkout:
                Assert.Equal(HttpStatusCode.SeeOther, (await new Shopper(client).AddToCartAsync("kiambu-aa")).StatusCode);
                var checkout = (await client.GetDocumentAsync("/Checkout")).Form("#checkout-form");
                _values["af"] = checkout.AntiforgeryToken();
                _values["checkoutId"] = Input(checkout, "Input.CheckoutId");
                _values["fingerprint"] = Input(checkout, "Input.CartFingerprint");
                break;
            case CaseArea.SignIn:
                _values["af"] = (await client.GetDocumentAsync(AdminRegistration.SignInPath)).Form("form.sign-in-form").AntiforgeryToken();
                break;
            case CaseArea.Admin:
                const string email = "admin@coffeeshop.test";
                await AdminSession.CreateUserAsync(Factory, email, admin: true);
                var signedIn = await AdminSession.SubmitSignInAsync(client, email, AdminSession.Password);
                Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"signing in answered {(int)signedIn.StatusCode}");
                var refund = (await client.GetDocumentAsync($"/Admin/Payments/{this["paymentId"]}")).Form("#refund-form");
                _values["af"] = refund.AntiforgeryToken();
                _values["requestId"] = Input(refund, "Refund.RequestId");
                Assert.Equal(PaidAmount, Input(refund, "Refund.Amount"));
                break;
        }
    }

    private static string Input(IHtmlFormElement form, string name) =>
        form.QuerySelector<IHtmlInputElement>($"input[name='{name}']")?.Value ?? throw new InvalidOperationException($"The form has no input {name}.");

    /// <summary>Replaces every <c>{name}</c> this context knows; other braces are left alone.</summary>
    public string Fill(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('{', StringComparison.Ordinal))
        {
            return text;
        }

        foreach (var (key, value) in _values)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }

        return text;
    }

    public Uri Url(string pathAndQuery) => new(ShopFactory.BaseAddress, Fill(pathAndQuery));

    /// <summary>Form fields in order, duplicates kept, placeholders filled.</summary>
    public FormUrlEncodedContent Form(IEnumerable<(string Name, string Value)> fields) =>
        new(fields.Select(f => KeyValuePair.Create(Fill(f.Name), Fill(f.Value))));

    /// <summary>A url-encoded body written by hand: <paramref name="encodedPrefix"/> (placeholders filled, values URL-encoded) then raw bytes.</summary>
    public ByteArrayContent RawForm(string encodedPrefix, byte[] rawTail, string contentType = "application/x-www-form-urlencoded")
    {
        ArgumentNullException.ThrowIfNull(rawTail);
        var prefix = Encoding.ASCII.GetBytes(FillEncoded(encodedPrefix));
        var content = new ByteArrayContent([.. prefix, .. rawTail]);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>Like <see cref="Fill"/>, with each value URL-encoded (for bodies written by hand).</summary>
    public string FillEncoded(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (key, value) in _values)
        {
            text = text.Replace("{" + key + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return text;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null,
        IReadOnlyDictionary<string, string?>? cookies = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Url(pathAndQuery)) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, Fill(value)), $"header {name} not accepted");
        }

        _forgedCookies = cookies;
        var response = cookies is null ? await Session.Client.SendAsync(request) : await Session.SendWithCookiesAsync(request, cookies);
        // Read the body now, while the request (and its content) is alive.
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>
    /// Follows a redirect with a GET as the browser would: with the same forged cookies as the request
    /// (when it had any) plus those the response set.
    /// </summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage redirect)
    {
        ArgumentNullException.ThrowIfNull(redirect);
        var location = new Uri(ShopFactory.BaseAddress, redirect.Headers.Location!.OriginalString);
        if (_forgedCookies is null)
        {
            return await Session.Client.GetAsync(location);
        }

        var cookies = new Dictionary<string, string?>(_forgedCookies, StringComparer.Ordinal);
        foreach (var header in redirect.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])
        {
            var pair = header.Split(';', 2)[0].Split('=', 2);
            cookies[pair[0].Trim()] = pair.Length == 2 ? pair[1] : "";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        return await Session.SendWithCookiesAsync(request, cookies);
    }

    /// <summary>The token of a form on another, cookie-less visitor's page: valid, but not for this browser.</summary>
    public async Task<string> ForeignAntiforgeryTokenAsync(string page, string formSelector)
    {
        using var stranger = new ForgeableBrowser(Factory);
        return (await stranger.Client.GetDocumentAsync(page)).Form(formSelector).AntiforgeryToken();
    }

    public void Dispose() => Session.Dispose();
}

/// <summary>Webhook deliveries: signed as Stripe signs (HMAC-SHA256 over "t.payload") or forged.</summary>
public static class ForgedWebhooks
{
    /// <summary>A plausible event that no case ever signs correctly (a correctly signed event is stored, by design).</summary>
    public static readonly string Event =
        "{\"id\":\"evt_badinput_1\",\"object\":\"event\",\"api_version\":\"" + StripeConfiguration.ApiVersion
        + "\",\"type\":\"payment_intent.succeeded\",\"created\":1700000000,\"data\":{\"object\":{\"id\":\"pi_badinput\",\"object\":\"payment_intent\","
        + "\"amount\":2500,\"currency\":\"eur\",\"status\":\"succeeded\",\"metadata\":{\"order_id\":\"1\",\"attempt\":\"1\"}}}}";

    public static string Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A Stripe-Signature header for <paramref name="payload"/>, by the shop's secret unless told, at <paramref name="at"/> (default now).</summary>
    public static string Sign(string payload, DateTimeOffset? at = null, string secret = FakeStripeApi.WebhookSecret) =>
        EventUtility.GenerateSignatureHeader(payload, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());

    public static ByteArrayContent Body(byte[] bytes, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    public static ByteArrayContent Body(string text, string? contentType = "application/json") => Body(Encoding.UTF8.GetBytes(text), contentType);
}

/// <summary>Bodies that are not what a form post should be.</summary>
public static class JunkBodies
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Text(string text) => new(text, Encoding.UTF8, "text/plain");

    /// <summary>Says multipart, is not: no part, no closing boundary.</summary>
    public static ByteArrayContent BrokenMultipart() =>
        ForgedWebhooks.Body("--not-the-boundary\r\nthis is not a part\r\n\0\0\0", "multipart/form-data; boundary=----coffeeshop-junk");

    /// <summary>Real multipart: the token as a field, <paramref name="field"/> as a file part of binary junk (so it is no form value).</summary>
    public static MultipartFormDataContent MultipartWithFile(string antiforgeryToken, string field)
    {
        var content = new MultipartFormDataContent("coffeeshop-boundary")
        {
            { new StringContent(antiforgeryToken), "__RequestVerificationToken" },
        };
#pragma warning disable CA2000 // Owned and disposed by the multipart content.
        content.Add(new ByteArrayContent([0x00, 0xFF, 0xFE, 0x7F, 0x3C, 0x73]), field, "junk.bin");
#pragma warning restore CA2000
        return content;
    }

    /// <summary>A url-encoded form of about <paramref name="bytes"/> bytes: the given fields then one huge field.</summary>
    public static FormUrlEncodedContent Huge(BadInputContext context, int bytes, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Form([.. fields, ("Input.Padding", new string('z', bytes))]);
    }

    /// <summary>More fields than the form reader accepts (its limit is 1 024).</summary>
    public static FormUrlEncodedContent TooManyFields(BadInputContext context, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Form([.. fields, .. Enumerable.Range(0, 5_000).Select(i => ($"f{i}", "1"))]);
    }

    /// <summary>A field name longer than the form reader accepts (its limit is 2 048).</summary>
    public static FormUrlEncodedContent OverlongFieldName(BadInputContext context, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Form([.. fields, (new string('k', 10_001), "1")]);
    }
}
