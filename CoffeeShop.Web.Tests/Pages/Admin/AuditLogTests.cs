using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtpNet;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>The audit log: what gets appended (sign-ins, refunds, steps…), /Admin/Audit and its filters, and that nothing edits it.</summary>
public class AuditLogTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Admin = "admin@coffeeshop.test";

    private async Task<List<AuditEntry>> EntriesAsync(AuditAction? action = null)
    {
        await using var db = Db();
        return await db.AuditLog.AsNoTracking().Where(a => action == null || a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<PaymentRecord> PaidOrderAsync()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync("ctoken_pm_card_visa");
        await using var db = Db();
        return await db.PaymentRecords.OrderByDescending(p => p.Id).FirstAsync();
    }

    private async Task SeedAsync(params (AuditAction Action, string Actor, string Subject, DateTimeOffset At)[] entries)
    {
        await using var db = Db();
        foreach (var (action, actor, subject, at) in entries)
        {
            AuditTrail.Add(db, new AdminActor("id-" + actor, actor), action, subject, new { price = "€10.00" }, new { price = "€12.00" }, at);
        }

        await db.SaveChangesAsync();
    }

    private static List<string> Subjects(IDocument page) =>
        page.QuerySelectorAll("#audit-log tbody tr .subject").Select(c => c.TextContent).ToList();

    [Fact]
    public async Task SignIn_Succeeded_IsAuditedUnderTheAdmin()
    {
        await AdminSession.SignInAsync(Factory, Admin);

        var entry = Assert.Single(await EntriesAsync(AuditAction.SignIn));

        Assert.Equal(Admin, entry.Actor);
        Assert.NotNull(entry.ActorId);
        Assert.Equal($"admin {Admin}", entry.Subject);
    }

    [Fact]
    public async Task SignIn_Failed_IsAuditedUnderTheEmailTyped_WithoutId_AndNeverThePassword()
    {
        await AdminSession.CreateUserAsync(Factory, Admin, admin: true);
        const string password = "Wrong-Secret-Password-4711";

        var response = await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), "typo@coffeeshop.test", password);
        await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), Admin, password);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var entries = await EntriesAsync(AuditAction.SignInFailed);
        Assert.Equal(["typo@coffeeshop.test", Admin], entries.Select(e => e.Actor));
        Assert.All(entries, e => Assert.Null(e.ActorId));
        await using var db = Db();
        var leaked = await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM audit_log WHERE concat_ws('|', actor, subject, before::text, after::text) ILIKE {"%" + password + "%"}").SingleAsync();
        Assert.Equal(0, leaked);
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_AreAuditedAsALockout()
    {
        await AdminSession.CreateUserAsync(Factory, Admin, admin: true);
        var client = Factory.CreateBrowserClient();

        for (var i = 0; i < 5; i++)
        {
            await AdminSession.SubmitSignInAsync(client, Admin, "not-the-password-" + i);
        }

        var lockedOut = Assert.Single(await EntriesAsync(AuditAction.LockedOut));
        Assert.Equal(Admin, lockedOut.Actor);
        Assert.Equal(4, (await EntriesAsync(AuditAction.SignInFailed)).Count);
    }

    [Fact]
    public async Task SignIn_WithAuthenticator_IsAuditedOnceAfterTheCode_AndAWrongCodeAsAFailure()
    {
        var user = await AdminSession.CreateUserAsync(Factory, Admin, admin: true);
        string key;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            key = (await users.GetAuthenticatorKeyAsync(stored))!;
            await users.SetTwoFactorEnabledAsync(stored, true);
        }

        var client = Factory.CreateBrowserClient();
        var password = await AdminSession.SubmitSignInAsync(client, Admin, AdminSession.Password);
        Assert.Empty(await EntriesAsync(AuditAction.SignIn));
        var codePage = await client.FollowRedirectAsync(password);
        await client.SubmitAsync(codePage.Form("form[method=post]"), new Dictionary<string, string?> { ["Input.TwoFactorCode"] = "000000" });
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        var verified = await client.SubmitAsync(codePage.Form("form[method=post]"), new Dictionary<string, string?> { ["Input.TwoFactorCode"] = code });

        Assert.Equal(HttpStatusCode.Redirect, verified.StatusCode);
        Assert.Equal(user.Id, Assert.Single(await EntriesAsync(AuditAction.SignIn)).ActorId);
        var failed = Assert.Single(await EntriesAsync(AuditAction.SignInFailed));
        Assert.Equal(Admin, failed.Actor);
        Assert.Null(failed.ActorId);
    }

    [Fact]
    public async Task Resolve_IsAuditedWithTheNote()
    {
        SkipLedgerCheck("the NeedsAttention record is seeded alone, with no PaymentIntent at the fake Stripe");
        PaymentRecord record;
        await using (var db = Db())
        {
            record = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddMinutes(-10), PaymentStatus.NeedsAttention);
            record.AttentionReason = "checked by hand";
            await db.SaveChangesAsync();
        }

        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        await admin.SubmitAsync(page.Form("#resolve-form"), new Dictionary<string, string?> { ["Resolve.Note"] = "Refunded by phone." });

        var entry = Assert.Single(await EntriesAsync(AuditAction.Resolve));
        Assert.Equal(Admin, entry.Actor);
        Assert.StartsWith("payment ", entry.Subject, StringComparison.Ordinal);
        Assert.Contains("Refunded by phone.", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_IsAudited()
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var page = await admin.GetDocumentAsync("/Admin/Audit");

        var response = await admin.SubmitAsync(page.Form("form[action*='Logout']"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Admin, Assert.Single(await EntriesAsync(AuditAction.SignOut)).Actor);
    }

    [Fact]
    public async Task Refund_IsAuditedWithThePaymentAndTheAmount()
    {
        var record = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var page = await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}");

        await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "10.00" });

        var entry = Assert.Single(await EntriesAsync(AuditAction.Refund));
        Assert.Equal(Admin, entry.Actor);
        Assert.Equal($"payment {record.PaymentIntentId}", entry.Subject);
        Assert.Contains("€10.00", entry.After, StringComparison.Ordinal);
        Assert.Contains("€38.70", entry.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resync_IsAudited()
    {
        var record = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);

        await admin.SubmitAsync((await admin.GetDocumentAsync($"/Admin/Payments/{record.Id}")).Form("#resync-form"));

        var entry = Assert.Single(await EntriesAsync(AuditAction.Resync));
        Assert.Equal($"payment {record.PaymentIntentId}", entry.Subject);
        Assert.Contains("Succeeded", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FulfilmentStep_IsAuditedWithTheOrderAndBeforeAndAfter()
    {
        var record = await PaidOrderAsync();
        var admin = await AdminSession.SignInAsync(Factory, Admin);
        var page = await admin.GetDocumentAsync($"/Admin/Orders/{record.OrderId}");

        await admin.SubmitAsync(page.Form("#pack-form"));

        var entry = Assert.Single(await EntriesAsync(AuditAction.FulfilmentStep));
        Assert.Equal($"order {Order.FormatReference(record.OrderId)}", entry.Subject);
        Assert.Contains("ToPack", entry.Before, StringComparison.Ordinal);
        Assert.Contains("Packed", entry.After, StringComparison.Ordinal);
        var audit = await admin.GetDocumentAsync("/Admin/Audit?action=FulfilmentStep");
        Assert.Contains("fulfilment", audit.QuerySelector("#audit-log tbody tr .changes dt")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("ToPack → Packed", audit.QuerySelector("#audit-log tbody tr .changes dd")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_FiltersByActionActorSubjectAndDates_NewestFirst()
    {
        var day = new DateTimeOffset(2026, 3, 10, 11, 0, 0, TimeSpan.Zero);
        await SeedAsync(
            (AuditAction.ProductChanged, "ann@coffeeshop.test", "product kiambu-aa", day),
            (AuditAction.ProductChanged, "ben@coffeeshop.test", "product yirga", day.AddDays(1)),
            (AuditAction.Refund, "ann@coffeeshop.test", "payment pi_123", day.AddDays(2)),
            (AuditAction.Refund, "ann@coffeeshop.test", "payment pi_100%_off", day.AddDays(3)));
        var admin = await AdminSession.SignInAsync(Factory, Admin);

        var all = await admin.GetDocumentAsync("/Admin/Audit");
        var byAction = await admin.GetDocumentAsync("/Admin/Audit?action=Refund");
        var byActor = await admin.GetDocumentAsync("/Admin/Audit?actor=BEN@");
        var bySubject = await admin.GetDocumentAsync("/Admin/Audit?q=100%25");
        var byDates = await admin.GetDocumentAsync("/Admin/Audit?from=2026-03-11&to=2026-03-12");

        Assert.Equal(["payment pi_100%_off", "payment pi_123", "product yirga", "product kiambu-aa"], Subjects(all).Where(s => !s.StartsWith("admin ", StringComparison.Ordinal)));
        Assert.Equal(["payment pi_100%_off", "payment pi_123"], Subjects(byAction));
        Assert.Equal(["product yirga"], Subjects(byActor));
        Assert.Equal(["payment pi_100%_off"], Subjects(bySubject));
        Assert.Equal(["payment pi_123", "product yirga"], Subjects(byDates));
        Assert.Equal("Refund", byAction.QuerySelector<AngleSharp.Html.Dom.IHtmlSelectElement>("#action")!.Value);
        Assert.NotNull(all.QuerySelector("#audit-log caption"));
    }

    [Fact]
    public async Task AuditPage_PagesFiftyAtATime_AndShowsTextEscaped()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        await SeedAsync(Enumerable.Range(0, 54).Select(i => (AuditAction.StockMoved, "ann@coffeeshop.test", $"product p{i:00}", start.AddMinutes(i))).ToArray());
        await SeedAsync((AuditAction.ProductChanged, "<b>x</b>", "product <script>alert(1)</script>", start.AddMinutes(-5)));
        var admin = await AdminSession.SignInAsync(Factory, Admin);

        var first = await admin.GetDocumentAsync("/Admin/Audit?action=StockMoved");
        var older = await admin.GetDocumentAsync(first.QuerySelector<AngleSharp.Html.Dom.IHtmlAnchorElement>("#older")!.GetAttribute("href")!);
        var escaped = await admin.GetAsync("/Admin/Audit?action=ProductChanged");
        var html = await escaped.Content.ReadAsStringAsync();

        Assert.Equal(50, Subjects(first).Count);
        Assert.Equal("product p53", Subjects(first)[0]);
        Assert.Equal(["product p03", "product p02", "product p01", "product p00"], Subjects(older));
        Assert.Null(older.QuerySelector("#older"));
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action=Nope")]
    [InlineData("action=3")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-03-12&to=2026-03-10")]
    [InlineData("before=abc")]
    [InlineData("before=-1-5")]
    [InlineData("before=99999999999999999999-1")]
    public async Task AuditPage_BadFilters_Are400WithAMessage(string query)
    {
        var admin = await AdminSession.SignInAsync(Factory, Admin);

        var response = await admin.GetAsync("/Admin/Audit?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await HtmlForms.ParseAsync(response)).QuerySelector("#filter-errors")!.HasAttribute("hidden"));
    }

    [Fact]
    public async Task AuditLog_CannotBeEditedOrDeletedThroughTheApp()
    {
        await SeedAsync((AuditAction.Refund, "ann@coffeeshop.test", "payment pi_1", DateTimeOffset.UtcNow));
        await using (var db = Db())
        {
            var entry = await db.AuditLog.SingleAsync();
            entry.Subject = "payment pi_forged";
            var update = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal("42501", Assert.IsType<PostgresException>(update.InnerException).SqlState);
        }

        await using (var db = Db())
        {
            db.AuditLog.Remove(await db.AuditLog.SingleAsync());
            var delete = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal("42501", Assert.IsType<PostgresException>(delete.InnerException).SqlState);
        }

        await using (var db = Db())
        {
            await Assert.ThrowsAsync<PostgresException>(() => db.AuditLog.ExecuteDeleteAsync());
            Assert.Equal("payment pi_1", (await db.AuditLog.AsNoTracking().SingleAsync()).Subject);
        }
    }
}
