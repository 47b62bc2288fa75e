using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>/Admin/Emails (the outbox, failed messages first, "Send again") and /Admin/Emails/Preview (every template from sample data).</summary>
public class EmailsTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string SecretLink = "https://shop.example/Identity/Account/ResetPassword?code=SECRET-RESET-CODE";

    private async Task<OutboxMessage> SeedAsync(MessageKind kind, OutboxStatus status, string recipient = "grace@example.com",
        long? orderId = null, string? payload = null, string? lastError = null, int attempts = 0, DateTimeOffset? createdAt = null)
    {
        await using var db = Db();
        var at = createdAt ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var message = new OutboxMessage
        {
            Kind = kind,
            Recipient = recipient,
            OrderId = orderId,
            Payload = payload,
            DedupeKey = $"test:{Guid.NewGuid():N}",
            Status = status,
            Attempts = attempts,
            LastError = lastError,
            NextAttemptAt = at.AddMinutes(30),
            CreatedAt = at,
            SentAt = status == OutboxStatus.Sent ? at.AddSeconds(2) : null,
        };
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync();
        return message;
    }

    private async Task<OutboxMessage> ReloadAsync(long id)
    {
        await using var db = Db();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private async Task<List<AuditEntry>> ResentEntriesAsync()
    {
        await using var db = Db();
        return await db.AuditLog.AsNoTracking().Where(a => a.Action == AuditAction.EmailResent).ToListAsync();
    }

    private async Task<long> OrderIdAsync()
    {
        await using var db = Db();
        return (await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddHours(-1), email: "grace@example.com")).OrderId;
    }

    private static string ResendForm(long id) => $"#failed-emails tr[data-id='{id}'] form.resend-form";

    private static IElement Row(IDocument page, string table, long id) =>
        page.QuerySelector($"#{table} tbody tr[data-id='{id}']") ?? throw new InvalidOperationException($"no row {id} in #{table}");

    [Fact]
    public async Task Get_Emails_ShowsAFailedMessageFirstWithItsErrorAndOrder_NeverItsPayload()
    {
        var orderId = await OrderIdAsync();
        var failed = await SeedAsync(MessageKind.OrderConfirmation, OutboxStatus.Failed, orderId: orderId,
            lastError: "550 5.1.1 mailbox unavailable", attempts: 8);
        var reset = await SeedAsync(MessageKind.PasswordReset, OutboxStatus.Failed, recipient: "admin@coffeeshop.test",
            payload: $$"""{"url":"{{SecretLink}}"}""", lastError: "421 try later", attempts: 8);
        var sent = await SeedAsync(MessageKind.OrderShipped, OutboxStatus.Sent, orderId: orderId);
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await admin.GetAsync("/Admin/Emails");
        var html = await response.Content.ReadAsStringAsync();
        var page = await HtmlForms.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Row(page, "failed-emails", failed.Id);
        Assert.Equal("Order confirmation", row.QuerySelector(".kind")!.TextContent);
        Assert.Equal("grace@example.com", row.QuerySelector(".recipient")!.TextContent);
        Assert.Equal("550 5.1.1 mailbox unavailable", row.QuerySelector(".last-error")!.TextContent);
        var orderLink = row.QuerySelector("a")!;
        Assert.Equal(Order.FormatReference(orderId), orderLink.TextContent);
        Assert.Equal($"/Admin/Orders/{orderId}", orderLink.GetAttribute("href"));
        Assert.Equal("8", row.QuerySelector(".num")!.TextContent);
        Assert.Equal("Send again", row.QuerySelector("form.resend-form button")!.TextContent);
        Assert.Equal("421 try later", Row(page, "failed-emails", reset.Id).QuerySelector(".last-error")!.TextContent);
        Assert.Null(page.QuerySelector($"#failed-emails tr[data-id='{sent.Id}']"));
        // Failed first, then everything, newest first.
        Assert.True(page.QuerySelector("#failed-emails")!.CompareDocumentPosition(page.QuerySelector("#emails")!).HasFlag(DocumentPositions.Following));
        Assert.Equal([sent.Id, reset.Id, failed.Id], page.QuerySelectorAll("#emails tbody tr").Select(r => long.Parse(r.GetAttribute("data-id")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain("SECRET-RESET-CODE", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ResetPassword", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Emails_StatusFilterAndOlderPages_ListEachMessageOnce()
    {
        for (var i = 0; i < 3; i++)
        {
            await SeedAsync(MessageKind.PaymentProcessing, OutboxStatus.Pending);
        }

        var failed = await SeedAsync(MessageKind.PaymentFailed, OutboxStatus.Failed, lastError: "timeout");
        await using (var db = Db())
        {
            // One more than a page of sent messages.
            db.OutboxMessages.AddRange(Enumerable.Range(0, Web.Pages.Admin.Emails.IndexModel.PageSize + 1).Select(i => new OutboxMessage
            {
                Kind = MessageKind.OrderConfirmation,
                Recipient = $"buyer{i}@example.com",
                DedupeKey = $"test-sent:{i}",
                Status = OutboxStatus.Sent,
                Attempts = 1,
                NextAttemptAt = DateTimeOffset.UtcNow,
                CreatedAt = DateTimeOffset.UtcNow,
                SentAt = DateTimeOffset.UtcNow,
            }));
            await db.SaveChangesAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory);

        var failedOnly = await admin.GetDocumentAsync("/Admin/Emails?status=Failed");
        var sentFirst = await admin.GetDocumentAsync("/Admin/Emails?status=Sent");
        var sentOlder = await admin.GetDocumentAsync(sentFirst.QuerySelector("#older")!.GetAttribute("href")!);
        var bad = await admin.GetAsync("/Admin/Emails?status=Lost");

        Assert.Equal([failed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], failedOnly.QuerySelectorAll("#emails tbody tr").Select(r => r.GetAttribute("data-id")));
        var sentIds = sentFirst.QuerySelectorAll("#emails tbody tr").Concat(sentOlder.QuerySelectorAll("#emails tbody tr")).Select(r => r.GetAttribute("data-id")).ToList();
        Assert.Equal(Web.Pages.Admin.Emails.IndexModel.PageSize + 1, sentIds.Distinct().Count());
        Assert.Null(sentOlder.QuerySelector("#older"));
        Assert.Null(sentOlder.QuerySelector("#failed-emails"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Choose a status from the list.", (await HtmlForms.ParseAsync(bad)).QuerySelector("#filter-errors")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SendAgain_ThroughTheForm_MakesItPendingWithNoAttemptsAndIsAudited()
    {
        var orderId = await OrderIdAsync();
        var failed = await SeedAsync(MessageKind.OrderConfirmation, OutboxStatus.Failed, orderId: orderId, lastError: "550 no such user", attempts: 8);
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync("/Admin/Emails");

        var response = await admin.SubmitAsync(page.Form(ResendForm(failed.Id)));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/Admin/Emails", response.Headers.Location!.OriginalString);
        var after = await admin.FollowRedirectAsync(response);
        Assert.Equal($"Message {failed.Id} is queued to be sent again.", after.QuerySelector("main .notice")!.TextContent);
        Assert.NotNull(after.QuerySelector("#no-failed"));
        var message = await ReloadAsync(failed.Id);
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(0, message.Attempts);
        Assert.True(message.NextAttemptAt <= DateTimeOffset.UtcNow);
        var entry = Assert.Single(await ResentEntriesAsync());
        Assert.Equal("admin@coffeeshop.test", entry.Actor);
        Assert.NotNull(entry.ActorId);
        Assert.Equal($"email {failed.Id} OrderConfirmation, order {Order.FormatReference(orderId)}", entry.Subject);
        Assert.Contains("\"Failed\"", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"Pending\"", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain("grace@example.com", entry.Subject + entry.Before + entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SendAgain_ForAMessageNotFailedOrUnknown_SaysSoAndChangesNothing()
    {
        var failed = await SeedAsync(MessageKind.PaymentFailed, OutboxStatus.Failed, lastError: "timeout", attempts: 8);
        var sent = await SeedAsync(MessageKind.OrderShipped, OutboxStatus.Sent, attempts: 1);
        var pending = await ReloadAsync((await SeedAsync(MessageKind.PaymentProcessing, OutboxStatus.Pending, attempts: 3)).Id);
        var admin = await AdminSession.SignInAsync(Factory);
        var form = (await admin.GetDocumentAsync("/Admin/Emails")).Form(ResendForm(failed.Id));

        async Task<string> ResendAsync(string id)
        {
            var response = await admin.SubmitAsync(form, new Dictionary<string, string?> { ["id"] = id });
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            return (await admin.FollowRedirectAsync(response)).QuerySelector("main .notice")!.TextContent;
        }

        Assert.Equal($"Message {sent.Id} has not failed (it is waiting or sent), so there is nothing to send again.", await ResendAsync(sent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal($"Message {pending.Id} has not failed (it is waiting or sent), so there is nothing to send again.", await ResendAsync(pending.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("There is no such message; nothing was sent again.", await ResendAsync("999999999"));
        Assert.Equal("There is no such message; nothing was sent again.", await ResendAsync("not-a-number"));

        Assert.Equal(OutboxStatus.Sent, (await ReloadAsync(sent.Id)).Status);
        var stillPending = await ReloadAsync(pending.Id);
        Assert.Equal(3, stillPending.Attempts);
        Assert.Equal(pending.NextAttemptAt, stillPending.NextAttemptAt);
        Assert.Equal(OutboxStatus.Failed, (await ReloadAsync(failed.Id)).Status);
        Assert.Empty(await ResentEntriesAsync());
    }

    [Fact]
    public async Task Post_SendAgain_WithoutAntiforgeryTokenOrAsNonAdmin_IsRefusedAndChangesNothing()
    {
        var failed = await SeedAsync(MessageKind.PaymentFailed, OutboxStatus.Failed, lastError: "timeout", attempts: 8);
        var admin = await AdminSession.SignInAsync(Factory);
        var form = (await admin.GetDocumentAsync("/Admin/Emails")).Form(ResendForm(failed.Id));
        var staff = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);

        var forged = await admin.SubmitAsync(form, new Dictionary<string, string?> { ["__RequestVerificationToken"] = null });
        var nonAdmin = await staff.SubmitAsync(form);
        var anonymous = await Factory.CreateBrowserClient().SubmitAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(OutboxStatus.Failed, (await ReloadAsync(failed.Id)).Status);
        Assert.Empty(await ResentEntriesAsync());
    }

    [Fact]
    public async Task Get_Preview_RendersEveryKindWithItsSubjectAndALink()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var page = await admin.GetDocumentAsync("/Admin/Emails/Preview");

        foreach (var kind in Enum.GetValues<MessageKind>())
        {
            var section = page.QuerySelector($"#preview-{kind}") ?? throw new InvalidOperationException($"no preview of {kind}");
            var subject = section.QuerySelector(".subject")!.TextContent;
            Assert.False(string.IsNullOrWhiteSpace(subject), $"{kind} has no subject");
            var frame = section.QuerySelector("iframe")!;
            Assert.True(frame.HasAttribute("sandbox"), $"{kind}: the frame is not sandboxed");
            Assert.Equal("", frame.GetAttribute("sandbox"));
            Assert.Contains(subject, frame.GetAttribute("title"), StringComparison.Ordinal);
            Assert.Equal($"/Admin/Emails/Preview/{kind}", frame.GetAttribute("src"));
            var text = section.QuerySelector("pre.email-text")!.TextContent;
            Assert.Contains(ShopFactory.BaseAddress.ToString(), text, StringComparison.Ordinal);

            var document = await admin.GetDocumentAsync(frame.GetAttribute("src")!);
            Assert.Equal(subject, document.Title);
            Assert.Contains(document.QuerySelectorAll("a[href]"), a => a.GetAttribute("href")!.StartsWith(ShopFactory.BaseAddress.ToString(), StringComparison.Ordinal));
        }

        Assert.Equal("Order CS-001042 is confirmed", page.QuerySelector("#preview-OrderConfirmation .subject")!.TextContent);
        var confirmation = page.QuerySelector("#preview-OrderConfirmation pre")!.TextContent;
        Assert.Contains("Hinterhaus, 3rd floor", confirmation, StringComparison.Ordinal);
        Assert.Contains("Orders/sample-order-7Qx2LmN4pR8s/Invoice", confirmation, StringComparison.Ordinal);
        Assert.Contains("tracking.example.com", page.QuerySelector("#preview-OrderShipped pre")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("CN-000023", page.QuerySelector("#preview-RefundIssued pre")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Preview_InDevelopment_WhereScopesAreValidated_RendersEveryKind()
    {
        // Development checks that nothing takes a scoped service from the root provider; the renderer needs some.
        await using var development = new ShopFactory(Stripe, new Dictionary<string, string?>(), environment: "Development");
        var admin = await AdminSession.SignInAsync(development);

        var page = await admin.GetDocumentAsync("/Admin/Emails/Preview");
        var document = await admin.GetAsync("/Admin/Emails/Preview/AdminAlert");

        Assert.Equal(Enum.GetValues<MessageKind>().Length, page.QuerySelectorAll("section.email-preview .subject").Length);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task Get_PreviewDocument_AnswersHtmlUnderAPolicyThatAllowsInlineStylesAndForbidsScripts()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await admin.GetAsync("/Admin/Emails/Preview/OrderConfirmation");
        var preview = await admin.GetAsync("/Admin/Emails/Preview");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", (await response.Content.ReadAsStringAsync()).TrimStart(), StringComparison.Ordinal);
        var csp = Directives(response);
        Assert.Equal("'none'", csp["script-src"]);
        Assert.Equal("'none'", csp["default-src"]);
        Assert.Equal("'unsafe-inline'", csp["style-src"]);
        Assert.Equal("'self'", csp["frame-ancestors"]);
        Assert.True(csp.ContainsKey("sandbox"));
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        // The page around the frames keeps the shop's policy, with frames from the shop itself only.
        var page = Directives(preview);
        Assert.Equal("'self'", page["frame-src"]);
        Assert.Equal("'self'", page["style-src"]);
        Assert.Equal("'none'", page["frame-ancestors"]);
        Assert.DoesNotContain("unsafe-inline", page["script-src"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Admin/Emails/Preview/NoSuchKind")]
    [InlineData("/Admin/Emails/Preview/3")]
    public async Task Get_PreviewDocument_UnknownKind_Is404(string url)
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var response = await admin.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_PreviewDocument_AnonymousOrNonAdmin_IsRefused()
    {
        var staff = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);

        var anonymous = await Factory.CreateBrowserClient().GetAsync("/Admin/Emails/Preview/PasswordReset");
        var nonAdmin = await staff.GetAsync("/Admin/Emails/Preview/PasswordReset");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(Web.AdminAccounts.AdminRegistration.SignInPath, anonymous.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, nonAdmin.StatusCode);
        Assert.DoesNotContain("Choose a new password", await nonAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Content-Security-Policy"))
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
}
