using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// Every way a fulfilment step can come wrong: bad fields, steps that do not exist from where the order is,
/// stale and repeated forms, unknown orders, forged or missing credentials. Each gets a message or a 4xx,
/// never a 500, and leaves every row as it was; no refund reaches Stripe.
/// </summary>
public class FulfilmentBadInputTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Admin = "admin@coffeeshop.test";
    private static readonly string[] Tables =
        ["orders", "order_lines", "order_events", "order_fulfilment_counts", "payment_records", "payment_timeline", "refunds", "products", "document_sequences"];

    /// <summary>What a refused step must get, besides "no 5xx and no row changed".</summary>
    public enum Expect
    {
        /// <summary>400 and the page again, with a message beside the field.</summary>
        Validation,

        /// <summary>303 back to the order, whose notice says why nothing changed.</summary>
        Notice,

        BadRequest,
        NotFound,
        Forbidden,

        /// <summary>302 to the sign-in page.</summary>
        SignIn,
    }

    /// <summary>
    /// An order (paid through the checkout) brought to <paramref name="At"/>, its page rendered, then what happens
    /// meanwhile (<paramref name="Meanwhile"/>: another admin's step, a first submit), then one malformed request.
    /// </summary>
    public sealed record BadStep(FulfilmentStatus At, Expect Expect, string? Says, Func<Context, Task<HttpResponseMessage>> Send,
        Func<Context, Task>? Meanwhile = null);

    public sealed record Context(HttpClient Admin, ShopFactory Factory, long OrderId, IDocument Page);

    private static Task<HttpResponseMessage> Post(Context c, string form, Dictionary<string, string?>? values = null, string? action = null)
    {
        var f = c.Page.Form(form);
        if (action is not null)
        {
            f.SetAttribute("action", action);
        }

        return c.Admin.SubmitAsync(f, values);
    }

    private static Dictionary<string, string?> Ship(string carrier = "DHL", string? tracking = "JD0123456789") =>
        new() { ["Step.Carrier"] = carrier, ["Step.TrackingNumber"] = tracking };

    /// <summary>The order moves on in another admin's browser after this page was rendered.</summary>
    private static async Task AnotherAdminAsync(Context c, string form, Dictionary<string, string?>? values = null)
    {
        var other = await AdminSession.SignInAsync(c.Factory, "other@coffeeshop.test");
        var page = await other.GetDocumentAsync($"/Admin/Orders/{c.OrderId}");
        Assert.Equal(HttpStatusCode.SeeOther, (await other.SubmitAsync(page.Form(form), values)).StatusCode);
    }

    private static readonly Dictionary<string, BadStep> Cases = new()
    {
        ["unknown carrier"] = new(FulfilmentStatus.Packed, Expect.Validation, "Choose a carrier from the list", c => Post(c, "#ship-form", Ship("Pigeon Post"))),
        ["empty tracking number"] = new(FulfilmentStatus.Packed, Expect.Validation, "Enter the tracking number", c => Post(c, "#ship-form", Ship(tracking: "   "))),
        ["missing tracking number"] = new(FulfilmentStatus.Packed, Expect.Validation, "Enter the tracking number", c => Post(c, "#ship-form", Ship(tracking: null))),
        ["over-long tracking number"] = new(FulfilmentStatus.Packed, Expect.Validation, "4 to 40 characters", c => Post(c, "#ship-form", Ship(tracking: new string('7', 41)))),
        ["too short tracking number"] = new(FulfilmentStatus.Packed, Expect.Validation, "4 to 40 characters", c => Post(c, "#ship-form", Ship(tracking: "JD1"))),
        ["tracking number with markup"] = new(FulfilmentStatus.Packed, Expect.Validation, "only letters, digits", c => Post(c, "#ship-form", Ship(tracking: "<script>alert(1)</script>"))),
        // The framework refuses a form holding NUL before any handler runs (as on the refund form, BadInputTests).
        ["tracking number with NUL"] = new(FulfilmentStatus.Packed, Expect.BadRequest, null, c => Post(c, "#ship-form", Ship(tracking: "JD01\0 23456"))),
        ["tracking number with CR-LF"] = new(FulfilmentStatus.Packed, Expect.Validation, "only letters, digits", c => Post(c, "#ship-form", Ship(tracking: "JD0123\r\nX-Injected: 1"))),
        ["expected status that is no status"] = new(FulfilmentStatus.ToPack, Expect.Validation, null, c => Post(c, "#pack-form", new() { ["Step.Expected"] = "Shipped'><script>" })),
        ["missing expected status"] = new(FulfilmentStatus.ToPack, Expect.Validation, "out of date", c => Post(c, "#pack-form", new() { ["Step.Expected"] = null })),
        ["cancel with a reason not in the list"] = new(FulfilmentStatus.ToPack, Expect.Validation, "Choose a reason", c => Post(c, "#cancel-form", new() { ["Step.Reason"] = "bored" })),
        ["cancel without its refund id"] = new(FulfilmentStatus.ToPack, Expect.Validation, "out of date", c => Post(c, "#cancel-form", new() { ["Step.RefundId"] = null })),
        ["ship a canceled order (stale form)"] = new(FulfilmentStatus.Packed, Expect.Notice, "already Canceled", c => Post(c, "#ship-form", Ship()),
            c => AnotherAdminAsync(c, "#cancel-form")),
        ["ship a canceled order (forged status)"] = new(FulfilmentStatus.Canceled, Expect.Notice, "cannot be marked Shipped", c =>
            Post(c, "#forged", new() { ["Step.Expected"] = "Canceled", ["Step.Carrier"] = "DHL", ["Step.TrackingNumber"] = "JD0123456789" }, $"/Admin/Orders/{c.OrderId}?handler=Ship")),
        ["deliver an order still to pack"] = new(FulfilmentStatus.ToPack, Expect.Notice, "cannot be marked Delivered", c => Post(c, "#pack-form", action: $"/Admin/Orders/{c.OrderId}?handler=Deliver")),
        ["cancel a shipped order"] = new(FulfilmentStatus.Shipped, Expect.Notice, "cannot be marked Canceled", c =>
            Post(c, "#forged", new() { ["Step.Expected"] = "Shipped", ["Step.RefundId"] = Guid.NewGuid().ToString() }, $"/Admin/Orders/{c.OrderId}?handler=Cancel")),
        ["stale page packs again"] = new(FulfilmentStatus.ToPack, Expect.Notice, "already Packed (by other@coffeeshop.test at", c => Post(c, "#pack-form"),
            c => AnotherAdminAsync(c, "#pack-form")),
        ["stale page cancels expecting to pack"] = new(FulfilmentStatus.ToPack, Expect.Notice, "already Packed", c => Post(c, "#cancel-form"),
            c => AnotherAdminAsync(c, "#pack-form")),
        ["double-submitted ship"] = new(FulfilmentStatus.Packed, Expect.Notice, "already Shipped", c => Post(c, "#ship-form", Ship()),
            async c => Assert.Equal(HttpStatusCode.SeeOther, (await Post(c, "#ship-form", Ship())).StatusCode)),
        ["unknown order"] = new(FulfilmentStatus.ToPack, Expect.NotFound, null, c => Post(c, "#pack-form", action: "/Admin/Orders/999999999?handler=Pack")),
        ["missing antiforgery token"] = new(FulfilmentStatus.ToPack, Expect.BadRequest, null, c => Post(c, "#pack-form", new() { ["__RequestVerificationToken"] = null })),
        ["anonymous"] = new(FulfilmentStatus.ToPack, Expect.SignIn, null, c => c.Factory.CreateBrowserClient().SubmitAsync(c.Page.Form("#pack-form"))),
        ["signed in without the admin role"] = new(FulfilmentStatus.ToPack, Expect.Forbidden, null, async c =>
        {
            var staff = await AdminSession.SignInAsync(c.Factory, "staff@coffeeshop.test", admin: false);
            var token = (await staff.GetDocumentAsync(AdminRegistration.SignInPath)).Form("form.sign-in-form").AntiforgeryToken();
            return await staff.SubmitAsync(c.Page.Form("#pack-form"), new Dictionary<string, string?> { ["__RequestVerificationToken"] = token });
        }),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Post_Step_BadInput_IsRefusedAndChangesNothing(string name)
    {
        var bad = Cases[name];
        var (admin, id) = await OrderAtAsync(bad.At);
        var page = await admin.GetDocumentAsync($"/Admin/Orders/{id}");
        AddForgedForm(page);
        var context = new Context(admin, Factory, id, page);
        if (bad.Meanwhile is { } meanwhile)
        {
            await meanwhile(context);
        }

        var before = await TableSnapshot.TakeAsync(Tables);
        var refundsBefore = Stripe.Refunds.Count;

        var response = await bad.Send(context);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode}");
        switch (bad.Expect)
        {
            case Expect.Validation:
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var shown = await HtmlForms.ParseAsync(response);
                Assert.NotNull(shown.QuerySelector(".errors:not([hidden]), .field-error:not(:empty)"));
                if (bad.Says is not null)
                {
                    Assert.Contains(bad.Says, shown.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
                }

                break;
            case Expect.Notice:
                Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
                var notice = (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent;
                Assert.Contains(bad.Says!, notice, StringComparison.Ordinal);
                Assert.Contains("nothing was changed", notice, StringComparison.Ordinal);
                break;
            case Expect.BadRequest:
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                break;
            case Expect.NotFound:
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                break;
            case Expect.Forbidden:
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                break;
            case Expect.SignIn:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal(AdminRegistration.SignInPath, response.Headers.Location!.AbsolutePath);
                break;
        }

        Assert.DoesNotContain("<script>alert", body, StringComparison.Ordinal);
        Assert.Equal(before, await TableSnapshot.TakeAsync(Tables));
        Assert.Equal(refundsBefore, Stripe.Refunds.Count);
    }

    /// <summary>A form with only the antiforgery token, for the cases that post what no rendered form offers.</summary>
    private static void AddForgedForm(IDocument page)
    {
        var form = (IHtmlFormElement)page.CreateElement("form");
        form.Id = "forged";
        form.Method = "post";
        var token = (IHtmlInputElement)page.CreateElement("input");
        token.Type = "hidden";
        token.Name = "__RequestVerificationToken";
        token.Value = page.Form("form[method=post]").AntiforgeryToken();
        form.AppendChild(token);
        page.Body!.AppendChild(form);
    }

    /// <summary>An order paid through the checkout, then taken to <paramref name="status"/> through the desk's own forms.</summary>
    private async Task<(HttpClient Admin, long Id)> OrderAtAsync(FulfilmentStatus status)
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa");
        long id;
        await using (var db = Db())
        {
            id = await db.Orders.Where(o => o.Fulfilment != null).Select(o => o.Id).SingleAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory, Admin);
        async Task StepAsync(string form, Dictionary<string, string?>? values = null)
        {
            var page = await admin.GetDocumentAsync($"/Admin/Orders/{id}");
            Assert.Equal(HttpStatusCode.SeeOther, (await admin.SubmitAsync(page.Form(form), values)).StatusCode);
        }

        if (status is FulfilmentStatus.Packed or FulfilmentStatus.Shipped)
        {
            await StepAsync("#pack-form");
        }

        if (status == FulfilmentStatus.Shipped)
        {
            await StepAsync("#ship-form", Ship());
        }

        if (status == FulfilmentStatus.Canceled)
        {
            await StepAsync("#cancel-form");
        }

        return (admin, id);
    }
}
