using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using RefundCreateOptions = Stripe.RefundCreateOptions;
using RefundService = Stripe.RefundService;
using StripeClient = Stripe.StripeClient;
using StripeClientOptions = Stripe.StripeClientOptions;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>Working NeedsAttention items: refunding money held at Stripe, marking them resolved, and the dashboard's duplicates.</summary>
public class NeedsAttentionTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const long Charged = 3380;
    private const string AdminEmail = "admin@coffeeshop.test";

    /// <summary>
    /// A record in NeedsAttention whose PaymentIntent exists at the fake Stripe in <paramref name="stripeStatus"/>
    /// (succeeded: the money is held there). <paramref name="reason"/> defaults to a duplicate payment.
    /// </summary>
    private async Task<PaymentRecord> NeedsAttentionAsync(string stripeStatus = "succeeded", string? reason = null, DateTimeOffset? resolvedAt = null)
    {
        await using var db = Db();
        var record = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddMinutes(-10), PaymentStatus.NeedsAttention, amount: Charged);
        var intent = Stripe.CreatePaymentIntentDirectly(Charged, "EUR",
            new Dictionary<string, string> { ["order_id"] = record.OrderId.ToString(CultureInfo.InvariantCulture) }, stripeStatus);
        record.PaymentIntentId = intent.Id;
        record.ChargeId = intent.LatestChargeId;
        record.AttentionReason = reason ?? $"{AttentionReasons.DuplicatePayment}: order {Order.FormatReference(record.OrderId)} was already paid";
        if (resolvedAt is not null)
        {
            record.AttentionResolvedAt = resolvedAt;
            record.AttentionResolvedBy = "earlier@coffeeshop.test";
            record.AttentionResolution = "Refunded by phone.";
        }

        await db.SaveChangesAsync();
        return record;
    }

    private async Task<PaymentRecord> ReloadAsync(long id)
    {
        await using var db = Db();
        return await db.PaymentRecords.SingleAsync(p => p.Id == id);
    }

    private async Task<List<PaymentTimelineEntry>> TimelineAsync(long id)
    {
        await using var db = Db();
        return await db.PaymentTimeline.Where(e => e.PaymentRecordId == id).OrderBy(e => e.Id).ToListAsync();
    }

    private static string DashboardCount(IDocument dashboard) => dashboard.QuerySelector("#needs-attention strong")!.TextContent;

    [Fact]
    public async Task Post_Refund_NeedsAttentionDuplicate_Full_RefundsAtStripeAndStaysNeedsAttention()
    {
        var record = await NeedsAttentionAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Assert.Equal("Refund money held at Stripe", page.QuerySelector("#refund-form h3")!.TextContent);

        var response = await admin.SubmitAsync(page.Form("#refund-form"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var refund = Assert.Single(Stripe.Refunds);
        Assert.Equal(Charged, refund.Amount);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.Equal(Charged, after.RefundedMinor);
        Assert.Null(after.AttentionResolvedAt);
        await using (var db = Db())
        {
            var row = await db.Refunds.SingleAsync();
            Assert.Equal(("succeeded", "duplicate"), (row.Status, row.Reason));
        }

        Assert.Contains(await TimelineAsync(record.Id), e => e.Source == $"admin:{AdminEmail}" && e.Note.StartsWith("Refund of €33.80 (duplicate): Refunded €33.80", StringComparison.Ordinal));
        var shown = await admin.FollowRedirectAsync(response);
        Assert.Contains("Refunded €33.80", shown.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("€33.80", shown.QuerySelector("#payment-refunded")!.TextContent);
        Assert.Null(shown.QuerySelector("#refund-form"));
        Assert.NotNull(shown.QuerySelector("#resolve-form"));
    }

    [Fact]
    public async Task Post_Refund_NeedsAttentionDuplicate_Partial_RefundsThatMuchAndOffersTheRest()
    {
        var record = await NeedsAttentionAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "10.00" });

        Assert.Equal(1000, Assert.Single(Stripe.Refunds).Amount);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.Equal(1000, after.RefundedMinor);
        var again = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        Assert.Equal("23.80", again.QuerySelector("#Refund_Amount")!.GetAttribute("value"));

        var over = await admin.SubmitAsync(again.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "23.81" });

        Assert.Contains("at most €23.80", (await admin.FollowRedirectAsync(over)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Single(Stripe.Refunds);
    }

    [Fact]
    public async Task Post_Refund_NeedsAttentionWithNothingCharged_ShowsStripesRefusal()
    {
        var record = await NeedsAttentionAsync(stripeStatus: "requires_payment_method", reason: "PaymentIntent is for €1.00, the order is €33.80");
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        var response = await admin.SubmitAsync(page.Form("#refund-form"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var notice = (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent;
        Assert.Contains("Stripe refused the refund", notice, StringComparison.Ordinal);
        Assert.Contains("does not have a successful charge to refund", notice, StringComparison.Ordinal);
        Assert.Empty(Stripe.Refunds);
        var after = await ReloadAsync(record.Id);
        Assert.Equal((PaymentStatus.NeedsAttention, 0L), (after.Status, after.RefundedMinor));
        await using var db = Db();
        Assert.Equal("failed", (await db.Refunds.SingleAsync()).Status);
        Assert.Contains(await TimelineAsync(record.Id), e => e.Source == $"admin:{AdminEmail}" && e.Note.Contains("Stripe refused the refund", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Resync_NeedsAttention_IsWrittenToTheTimelineUnderTheAdminsName()
    {
        var record = await NeedsAttentionAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        var response = await admin.SubmitAsync(page.Form("#resync-form"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(PaymentStatus.NeedsAttention, (await ReloadAsync(record.Id)).Status);
        Assert.Contains(await TimelineAsync(record.Id), e => e.Source == $"admin:{AdminEmail}" && e.Note.StartsWith("Re-sync from Stripe: Re-synced from Stripe", StringComparison.Ordinal));
        Assert.Contains((await admin.FollowRedirectAsync(response)).QuerySelectorAll(".timeline li"),
            li => li.TextContent.Contains($"admin:{AdminEmail}", StringComparison.Ordinal) && li.TextContent.Contains("Re-sync from Stripe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Webhook_DashboardRefundOfNeedsAttentionRecord_CountsTheMoneyAndKeepsNeedsAttention()
    {
        var record = await NeedsAttentionAsync();
        var stripeDashboard = new RefundService(new StripeClient(new StripeClientOptions
        {
            ApiKey = Infrastructure.FakeStripe.FakeStripeApi.SecretKey,
            ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
        }));
        var refund = await stripeDashboard.CreateAsync(new RefundCreateOptions { PaymentIntent = record.PaymentIntentId, Amount = 1500 });

        var response = await Factory.CreateBrowserClient().DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(refund.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.Equal(1500, after.RefundedMinor);
        await using var db = Db();
        Assert.Equal(refund.Id, (await db.Refunds.SingleAsync()).StripeRefundId);
    }

    [Fact]
    public async Task Post_Resolve_WithNote_RecordsWhoAndWhenAndLeavesTheDashboard()
    {
        var record = await NeedsAttentionAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        Assert.Equal("1", DashboardCount(await admin.GetDocumentAsync("/Admin/Dashboard")));
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");
        const string Note = "Customer paid twice from two tabs; refunded in Stripe and told them by email.";

        var before = DateTimeOffset.UtcNow;
        var response = await admin.SubmitAsync(page.Form("#resolve-form"), new Dictionary<string, string?> { ["Resolve.Note"] = Note });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var after = await ReloadAsync(record.Id);
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.Equal(AdminEmail, after.AttentionResolvedBy);
        Assert.Equal(Note, after.AttentionResolution);
        Assert.InRange(after.AttentionResolvedAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var entry = Assert.Single(await TimelineAsync(record.Id));
        Assert.Equal(($"admin:{AdminEmail}", $"Resolved: {Note}"), (entry.Source, entry.Note));

        var shown = await admin.FollowRedirectAsync(response);
        Assert.Equal("Marked resolved.", shown.QuerySelector(".notice")!.TextContent.Trim());
        Assert.Contains($"Resolved by {AdminEmail}", shown.QuerySelector("#attention-resolved")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(shown.QuerySelectorAll(".timeline li"), li => li.TextContent.Contains($"admin:{AdminEmail}", StringComparison.Ordinal)
            && li.TextContent.Contains($"Resolved: {Note}", StringComparison.Ordinal));
        Assert.Null(shown.QuerySelector("#resolve-form"));
        Assert.Equal("0", DashboardCount(await admin.GetDocumentAsync("/Admin/Dashboard")));
        Assert.Empty((await admin.GetDocumentAsync("/Admin/Payments?attention=true")).QuerySelectorAll("table.payments tbody tr"));
        Assert.Contains("(resolved)", (await admin.GetDocumentAsync("/Admin/Payments")).QuerySelector($"tr[data-id='{record.Id}']")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Write a note saying how this was resolved.")]
    [InlineData("   ", "Write a note saying how this was resolved.")]
    [InlineData(null, "Write a note saying how this was resolved.")]
    [InlineData("501", "Keep the note to 500 characters or fewer.")]
    public async Task Post_Resolve_EmptyOrTooLongNote_ShowsWhyAndWritesNothing(string? note, string message)
    {
        var record = await NeedsAttentionAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        var response = await admin.SubmitAsync(page.Form("#resolve-form"),
            new Dictionary<string, string?> { ["Resolve.Note"] = note == "501" ? new string('x', 501) : note });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var shown = await HtmlForms.ParseAsync(response);
        Assert.Equal(message, shown.QuerySelector("#resolve-errors li")!.TextContent);
        // The refund form on the same page shows none of the other form's mistakes, and still works.
        Assert.True(shown.QuerySelector("#refund-errors")!.HasAttribute("hidden"));
        Assert.NotEmpty(shown.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#Refund_RequestId")!.Value);
        var after = await ReloadAsync(record.Id);
        Assert.Null(after.AttentionResolvedAt);
        Assert.Null(after.AttentionResolution);
        Assert.Empty(await TimelineAsync(record.Id));
    }

    [Fact]
    public async Task Post_Resolve_SecondAdminWithAStaleForm_IsToldItWasAlreadyResolved()
    {
        var record = await NeedsAttentionAsync();
        var first = await AdminSession.SignInAsync(Factory);
        var second = await AdminSession.SignInAsync(Factory, "second@coffeeshop.test");
        var firstForm = (await first.GetDocumentAsync($"/Admin/Payments/{record.Id}")).Form("#resolve-form");
        var secondForm = (await second.GetDocumentAsync($"/Admin/Payments/{record.Id}")).Form("#resolve-form");

        await first.SubmitAsync(firstForm, new Dictionary<string, string?> { ["Resolve.Note"] = "Refunded." });
        var late = await second.SubmitAsync(secondForm, new Dictionary<string, string?> { ["Resolve.Note"] = "Also refunded?" });

        Assert.Equal(HttpStatusCode.SeeOther, late.StatusCode);
        Assert.Equal($"{AdminEmail} already marked this resolved; nothing was changed.",
            (await second.FollowRedirectAsync(late)).QuerySelector(".notice")!.TextContent.Trim());
        var after = await ReloadAsync(record.Id);
        Assert.Equal((AdminEmail, "Refunded."), (after.AttentionResolvedBy, after.AttentionResolution));
        Assert.Single(await TimelineAsync(record.Id), e => e.Note.StartsWith("Resolved:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Resolve_PaymentThatDoesNotNeedAttention_IsRefused()
    {
        var attention = await NeedsAttentionAsync();
        PaymentRecord paid;
        await using (var db = Db())
        {
            paid = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        var form = (await admin.GetDocumentAsync($"/Admin/Payments/{attention.Id}")).Form("#resolve-form");
        Assert.Null((await admin.GetDocumentAsync($"/Admin/Payments/{paid.Id}")).QuerySelector("#resolve-form"));

        // The same form, posted by hand against a paid payment.
        form.Action = $"/Admin/Payments/{paid.Id}?handler=Resolve";
        var response = await admin.SubmitAsync(form, new Dictionary<string, string?> { ["Resolve.Note"] = "Nothing to do." });

        Assert.Contains("Only a payment that needs attention can be marked resolved", (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        var after = await ReloadAsync(paid.Id);
        Assert.Null(after.AttentionResolvedAt);
        Assert.Empty(await TimelineAsync(paid.Id));
    }

    [Fact]
    public async Task Get_Dashboard_ListsUnresolvedDuplicatesAndRefundsOneInOneClick()
    {
        var duplicate = await NeedsAttentionAsync();
        await NeedsAttentionAsync(reason: "PaymentIntent pi_x is for €1.00, the order is €33.80");
        var resolved = await NeedsAttentionAsync(resolvedAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var admin = await AdminSession.SignInAsync(Factory);

        var dashboard = await admin.GetDocumentAsync("/Admin/Dashboard");

        Assert.Equal("2", DashboardCount(dashboard));
        var row = Assert.Single(dashboard.QuerySelectorAll("table.duplicates tbody tr"));
        Assert.Equal(duplicate.Id.ToString(CultureInfo.InvariantCulture), row.GetAttribute("data-id"));
        Assert.Null(dashboard.QuerySelector($"table.duplicates tr[data-id='{resolved.Id}']"));
        var button = row.QuerySelector("button")!;
        Assert.Equal("Refund €33.80", button.TextContent);
        Assert.Equal($"Refund €33.80 to buyer@example.com for {Order.FormatReference(duplicate.OrderId)}", button.GetAttribute("aria-label"));
        var form = dashboard.Form("table.duplicates form");

        var responses = await Task.WhenAll(admin.SubmitAsync(form), admin.SubmitAsync(form));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Equal($"/Admin/Payments/{duplicate.Id}", responses[0].Headers.Location!.OriginalString);
        var refund = Assert.Single(Stripe.Refunds);
        Assert.Equal((Charged, "duplicate"), (refund.Amount, refund.Reason));
        Assert.Equal(form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name='Refund.RequestId']")!.Value,
            Assert.Single(Stripe.Requests, r => r.Path == "/v1/refunds").IdempotencyKey);
        var after = await ReloadAsync(duplicate.Id);
        Assert.Equal((PaymentStatus.NeedsAttention, Charged), (after.Status, after.RefundedMinor));

        var again = await admin.GetDocumentAsync("/Admin/Dashboard");
        var refundedRow = again.QuerySelector($"table.duplicates tr[data-id='{duplicate.Id}']")!;
        Assert.Null(refundedRow.QuerySelector("button"));
        Assert.Equal("€33.80", refundedRow.QuerySelectorAll("td.num")[1].TextContent);
        Assert.Equal($"/Admin/Payments/{duplicate.Id}", refundedRow.QuerySelector("a[aria-label^='Review']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Get_Dashboard_NoDuplicates_SaysSo()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var dashboard = await admin.GetDocumentAsync("/Admin/Dashboard");

        Assert.Equal("No duplicate payments waiting.", dashboard.QuerySelector("#no-duplicates")!.TextContent);
        Assert.Null(dashboard.QuerySelector("table.duplicates"));
    }
}
