using System.Diagnostics;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// /Identity/Account/ForgotPassword and ResetPassword: a reset link by email (through the outbox and a real
/// SMTP server) for active admins only, the same answer for every address, one use per link.
/// </summary>
public class PasswordResetTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string NewPassword = "a-brand-new-long-password";
    private const string Subject = "Reset your CoffeeShop admin password";
    private const string LinkText = "Choose a new password";

    private Task<int> DispatchAsync() => Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None);

    /// <summary>From the sign-in page's link to the form, then the form submitted as a person would.</summary>
    private static async Task<HttpResponseMessage> ForgotPasswordAsync(HttpClient client, string email)
    {
        var signIn = await client.GetDocumentAsync(AdminRegistration.SignInPath);
        var forgot = await client.GetDocumentAsync(signIn.QuerySelector<IHtmlAnchorElement>("a#forgot-password")!.GetAttribute("href")!);
        return await client.SubmitAsync(forgot.Form("#forgot-form"), new Dictionary<string, string?> { ["Input.Email"] = email });
    }

    private static Task<HttpResponseMessage> ResetAsync(HttpClient client, IDocument resetPage, string password = NewPassword) =>
        client.SubmitAsync(resetPage.Form("#reset-form"), new Dictionary<string, string?>
        {
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

    /// <summary>Asks for a reset of <paramref name="email"/>, sends the outbox and answers the one message's link (the same in HTML and text).</summary>
    private async Task<string> EmailedLinkAsync(string email, HttpClient? client = null)
    {
        var requested = await ForgotPasswordAsync(client ?? Factory.CreateBrowserClient(), email);
        Assert.Equal(HttpStatusCode.SeeOther, requested.StatusCode);
        await DispatchAsync();
        var message = Assert.Single(await Smtp4Dev.WaitForAsync(email));
        Assert.Equal(Subject, message.Subject);
        var link = await MessageLinks.InHtmlAsync(message, LinkText);
        Assert.Equal(link, await MessageLinks.InTextAsync(message, LinkText));
        return link;
    }

    private async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = Db();
        return await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(AuditAction action)
    {
        await using var db = Db();
        return await db.AuditLog.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task ForgotPassword_ExistingAdmin_EmailsOneLinkThatSetsANewPasswordAndEndsOtherSessions()
    {
        var email = Smtp4Dev.NewAddress("admin");
        var otherSession = await AdminSession.SignInAsync(Factory, email);
        var client = Factory.CreateBrowserClient();

        var requested = await ForgotPasswordAsync(client, email);

        Assert.Equal(HttpStatusCode.SeeOther, requested.StatusCode);
        Assert.Equal("/Identity/Account/ForgotPasswordConfirmation", requested.Headers.Location!.OriginalString);
        Assert.Contains("on its way", (await client.FollowRedirectAsync(requested)).QuerySelector("#forgot-sent")!.TextContent, StringComparison.Ordinal);
        var queued = Assert.Single(await OutboxAsync());
        Assert.Equal((MessageKind.PasswordReset, email, OutboxStatus.Pending), (queued.Kind, queued.Recipient, queued.Status));

        await DispatchAsync();
        var message = Assert.Single(await Smtp4Dev.WaitForAsync(email));
        Assert.Equal(Subject, message.Subject);
        var link = await MessageLinks.InHtmlAsync(message, LinkText);
        Assert.Equal(link, await MessageLinks.InTextAsync(message, LinkText));
        Assert.StartsWith("https://localhost/Identity/Account/ResetPassword?", link, StringComparison.Ordinal);
        var sent = Assert.Single(await OutboxAsync());
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Null(sent.Payload);

        var resetPage = await client.GetDocumentAsync(new Uri(link).PathAndQuery);
        Assert.Equal(email, resetPage.QuerySelector<IHtmlInputElement>("#email")!.Value);
        var reset = await ResetAsync(client, resetPage);

        Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
        var done = await client.FollowRedirectAsync(reset);
        Assert.Equal("/Identity/Account/Login", done.QuerySelector<IHtmlAnchorElement>("#password-reset ~ p a")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.Redirect, (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), email, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), email, AdminSession.Password)).StatusCode);
        var stale = await otherSession.GetAsync("/Admin/Team");
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.Equal(AdminRegistration.SignInPath, stale.Headers.Location!.AbsolutePath);
        Assert.Equal($"admin {email}", Assert.Single(await AuditAsync(AuditAction.PasswordResetRequested)).Subject);
        await using var scope = Factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email);
        Assert.Equal(user!.Id, Assert.Single(await AuditAsync(AuditAction.PasswordReset)).ActorId);
    }

    [Fact]
    public async Task ResetPassword_SameLinkASecondTime_IsRefusedWithAMessageAndChangesNothing()
    {
        var email = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(Factory, email, admin: true);
        var link = new Uri(await EmailedLinkAsync(email)).PathAndQuery;
        var client = Factory.CreateBrowserClient();
        var resetPage = await client.GetDocumentAsync(link);
        Assert.Equal(HttpStatusCode.SeeOther, (await ResetAsync(client, resetPage)).StatusCode);

        var reopened = await client.GetAsync(link);
        var reposted = await ResetAsync(client, resetPage, "yet-another-long-password");

        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        Assert.Contains("expired or was already used", (await HtmlForms.ParseAsync(reopened)).QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, reposted.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(reposted)).QuerySelector("#link-unusable"));
        Assert.Equal(HttpStatusCode.Redirect, (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), email, NewPassword)).StatusCode);
        Assert.Single(await AuditAsync(AuditAction.PasswordReset));
    }

    [Theory]
    [InlineData("?email=nobody%40coffeeshop.test&code=bm90LWEtdG9rZW4")]
    [InlineData("?email=nobody%40coffeeshop.test&code=%%%")]
    [InlineData("")]
    public async Task ResetPassword_AlteredOrMissingLink_Is410WithAMessage(string query)
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/Identity/Account/ResetPassword" + query);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(response)).QuerySelector("#link-unusable"));
    }

    [Fact]
    public async Task ResetPassword_ShortOrMismatchedPassword_IsRefusedAndTheLinkStillWorks()
    {
        var email = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(Factory, email, admin: true);
        var link = new Uri(await EmailedLinkAsync(email)).PathAndQuery;
        var client = Factory.CreateBrowserClient();

        var shortPassword = await ResetAsync(client, await client.GetDocumentAsync(link), "too-short");
        var mismatched = await client.SubmitAsync((await client.GetDocumentAsync(link)).Form("#reset-form"), new Dictionary<string, string?>
        {
            ["Input.Password"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword + "x",
        });

        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        Assert.Contains("at least 12 characters", (await HtmlForms.ParseAsync(shortPassword)).QuerySelector("#reset-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mismatched.StatusCode);
        Assert.Contains("differ", (await HtmlForms.ParseAsync(mismatched)).QuerySelector("#reset-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await ResetAsync(client, await client.GetDocumentAsync(link))).StatusCode);
    }

    [Fact]
    public async Task ForgotPassword_UnknownEmail_AnswersTheSameAsForAnAdminAndQueuesNothing()
    {
        var admin = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(Factory, admin, admin: true);
        var client = Factory.CreateBrowserClient();
        var known = await ForgotPasswordAsync(client, admin);
        var knownPage = await client.FollowRedirectAsync(known);

        var timer = Stopwatch.StartNew();
        var unknown = await ForgotPasswordAsync(client, "nobody@coffeeshop.test");
        timer.Stop();
        var unknownPage = await client.FollowRedirectAsync(unknown);

        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(known.Headers.Location, unknown.Headers.Location);
        Assert.Equal(knownPage.QuerySelector("main")!.TextContent, unknownPage.QuerySelector("main")!.TextContent);
        Assert.True(timer.Elapsed >= AdminPasswordReset.MinimumRequestTime, $"an unknown address answered in {timer.ElapsedMilliseconds} ms");
        Assert.Equal(admin, Assert.Single(await OutboxAsync()).Recipient);
        Assert.Equal($"admin {admin}", Assert.Single(await AuditAsync(AuditAction.PasswordResetRequested)).Subject);
    }

    [Fact]
    public async Task ForgotPassword_DisabledAdminOrAccountWithoutTheRole_GetsNoEmail()
    {
        var disabled = Smtp4Dev.NewAddress("disabled");
        var notAdmin = Smtp4Dev.NewAddress("staff");
        var user = await AdminSession.CreateUserAsync(Factory, disabled, admin: true);
        await AdminSession.CreateUserAsync(Factory, notAdmin, admin: false);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            Assert.True((await users.SetLockoutEndDateAsync(stored, DateTimeOffset.MaxValue)).Succeeded);
        }

        var client = Factory.CreateBrowserClient();
        var answers = new[] { await ForgotPasswordAsync(client, disabled), await ForgotPasswordAsync(client, notAdmin) };
        await DispatchAsync();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.SeeOther, a.StatusCode));
        Assert.Empty(await OutboxAsync());
        Assert.Empty(await AuditAsync(AuditAction.PasswordResetRequested));
        Assert.Empty(await Smtp4Dev.MessagesToAsync(disabled));
        Assert.Empty(await Smtp4Dev.MessagesToAsync(notAdmin));
    }

    [Fact]
    public async Task ForgotPassword_HostHeaderOfAnotherSite_DoesNotSteerTheLink()
    {
        var email = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(Factory, email, admin: true);
        var client = Factory.CreateBrowserClient();
        client.DefaultRequestHeaders.Host = "evil.example";

        var link = await EmailedLinkAsync(email, client);

        Assert.DoesNotContain("evil.example", link, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("https://localhost/", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_InvalidEmail_IsRefusedWithAMessageAndQueuesNothing()
    {
        var client = Factory.CreateBrowserClient();
        var forgot = await client.GetDocumentAsync("/Identity/Account/ForgotPassword");

        var response = await client.SubmitAsync(forgot.Form("#forgot-form"), new Dictionary<string, string?> { ["Input.Email"] = "not-an-address" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("valid email address", (await HtmlForms.ParseAsync(response)).QuerySelector("#forgot-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task Register_StaysNotOffered()
    {
        var client = Factory.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Identity/Account/Register")).StatusCode);
        Assert.Empty((await client.GetDocumentAsync("/Identity/Account/ForgotPassword")).QuerySelectorAll("a[href*='Register']"));
    }
}
