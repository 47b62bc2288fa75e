using System.Net;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>/Admin/Team and /Enrol: invitations shown once, one-time enrolment, disable, enable and remove with their rules.</summary>
public class TeamTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Ann = "admin@coffeeshop.test";
    private const string Ben = "ben@coffeeshop.test";
    private const string NewPassword = "a-long-enough-new-password";

    private static async Task<(HttpResponseMessage Response, IDocument Page)> InviteAsync(HttpClient admin, string email)
    {
        var team = await admin.GetDocumentAsync("/Admin/Team");
        var response = await admin.SubmitAsync(team.Form("#invite-form"), new Dictionary<string, string?> { ["InviteEmail"] = email });
        return (response, await HtmlForms.ParseAsync(response));
    }

    private static string LinkOf(IDocument page) =>
        page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#enrolment-url")?.Value ?? throw new InvalidOperationException("No enrolment link on the page.");

    private static Task<HttpResponseMessage> EnrolAsync(HttpClient client, IDocument enrolPage, string password = NewPassword, string? confirm = null) =>
        client.SubmitAsync(enrolPage.Form("#enrol-form"), new Dictionary<string, string?>
        {
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });

    /// <summary>An invitation written straight into the table, for links whose age the test chooses.</summary>
    private async Task<string> InvitationAsync(string email, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        var token = "test-token-" + Guid.NewGuid().ToString("N");
        await using var db = Db();
        db.AdminInvitations.Add(new AdminInvitation
        {
            Id = Guid.NewGuid(),
            Email = email,
            TokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token)),
            InvitedById = "someone",
            InvitedBy = Ann,
            CreatedAt = createdAt,
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync();
        return $"/Enrol?token={Uri.EscapeDataString(token)}";
    }

    private async Task<List<AuditEntry>> AuditAsync(AuditAction action)
    {
        await using var db = Db();
        return await db.AuditLog.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<IdentityUser?> UserAsync(string email)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email);
    }

    private async Task<int> AdminCountAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GetUsersInRoleAsync(AdminRegistration.Role)).Count;
    }

    private static async Task<IDocument> TeamAsync(HttpClient admin) => await admin.GetDocumentAsync("/Admin/Team");

    private static IElement RowOf(IDocument team, string email) =>
        team.QuerySelectorAll("#admins tbody tr").Single(r => r.GetAttribute("data-email") == email);

    private static AngleSharp.Html.Dom.IHtmlFormElement FormIn(IElement row, string handler) =>
        row.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlFormElement>("form").Single(f => f.Action.Contains($"handler={handler}", StringComparison.Ordinal));

    [Fact]
    public async Task Invite_ShowsTheLinkOnce_ThenEnrolmentMakesAnAdminWhoCanSignIn()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);

        var (response, page) = await InviteAsync(admin, "  Cleo@CoffeeShop.test ");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var link = LinkOf(page);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        Assert.True(token.Length >= 43, "the token carries 32 random bytes");
        await using (var db = Db())
        {
            var invitation = await db.AdminInvitations.SingleAsync();
            Assert.Equal("cleo@coffeeshop.test", invitation.Email);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), invitation.TokenHash);
            Assert.InRange(invitation.ExpiresAt - invitation.CreatedAt, TimeSpan.FromHours(71.9), TimeSpan.FromHours(72.1));
        }

        var again = await TeamAsync(admin);
        Assert.Null(again.QuerySelector("#enrolment-url"));
        Assert.DoesNotContain(token, again.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal("cleo@coffeeshop.test", again.QuerySelector("#invitations tbody tr")!.GetAttribute("data-email"));

        var newcomer = Factory.CreateBrowserClient();
        var enrolPage = await newcomer.GetDocumentAsync(new Uri(link).PathAndQuery);
        Assert.Equal("cleo@coffeeshop.test", enrolPage.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#email")!.Value);
        var enrolled = await EnrolAsync(newcomer, enrolPage);

        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        Assert.Contains("two-factor", (await HtmlForms.ParseAsync(enrolled)).QuerySelector("#enrolled")!.TextContent, StringComparison.Ordinal);
        var user = await UserAsync("cleo@coffeeshop.test");
        Assert.NotNull(user);
        Assert.True(user.EmailConfirmed);
        await using (var db = Db())
        {
            Assert.NotNull((await db.AdminInvitations.SingleAsync()).AcceptedAt);
        }

        Assert.Equal("admin cleo@coffeeshop.test", Assert.Single(await AuditAsync(AuditAction.AdminInvited)).Subject);
        Assert.Equal(user.Id, Assert.Single(await AuditAsync(AuditAction.AdminEnrolled)).ActorId);
        var signIn = await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), "cleo@coffeeshop.test", NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(2, await AdminCountAsync());
    }

    [Fact]
    public async Task Enrol_UsedLink_IsGoneAndCreatesNothingMore()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        var link = new Uri(LinkOf((await InviteAsync(admin, "cleo@coffeeshop.test")).Page)).PathAndQuery;
        var newcomer = Factory.CreateBrowserClient();
        var enrolPage = await newcomer.GetDocumentAsync(link);
        Assert.Equal(HttpStatusCode.OK, (await EnrolAsync(newcomer, enrolPage)).StatusCode);

        var reopened = await newcomer.GetAsync(link);
        var reposted = await EnrolAsync(newcomer, enrolPage, "another-long-password");

        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        Assert.Contains("expired or was already used", (await HtmlForms.ParseAsync(reopened)).QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, reposted.StatusCode);
        Assert.Equal(2, await AdminCountAsync());
    }

    [Fact]
    public async Task Enrol_ExpiredLink_IsGone()
    {
        await AdminSession.CreateUserAsync(Factory, Ann, admin: true);
        var now = DateTimeOffset.UtcNow;
        var link = await InvitationAsync("late@coffeeshop.test", now.AddHours(-73), now.AddMinutes(-1));

        var response = await Factory.CreateBrowserClient().GetAsync(link);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(response)).QuerySelector("#link-unusable"));
        Assert.Null(await UserAsync("late@coffeeshop.test"));
    }

    [Fact]
    public async Task Enrol_LinkExpiringBetweenOpenAndSubmit_IsGoneOnSubmit()
    {
        await AdminSession.CreateUserAsync(Factory, Ann, admin: true);
        var now = DateTimeOffset.UtcNow;
        var link = await InvitationAsync("slow@coffeeshop.test", now.AddHours(-72), now.AddHours(1));
        var client = Factory.CreateBrowserClient();
        var page = await client.GetDocumentAsync(link);
        await using (var db = Db())
        {
            await db.AdminInvitations.ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, now.AddSeconds(-1)));
        }

        var response = await EnrolAsync(client, page);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Null(await UserAsync("slow@coffeeshop.test"));
    }

    [Fact]
    public async Task Revoke_PendingInvitation_ItsLinkIsGone()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        var link = new Uri(LinkOf((await InviteAsync(admin, "cleo@coffeeshop.test")).Page)).PathAndQuery;
        var team = await TeamAsync(admin);

        var revoked = await admin.SubmitAsync(team.Form("#invitations form"));

        Assert.Equal(HttpStatusCode.SeeOther, revoked.StatusCode);
        Assert.NotNull((await admin.FollowRedirectAsync(revoked)).QuerySelector("#no-invitations"));
        Assert.Equal(HttpStatusCode.Gone, (await Factory.CreateBrowserClient().GetAsync(link)).StatusCode);
        Assert.Single(await AuditAsync(AuditAction.InvitationRevoked));
        // Revoked, a new invitation for the same email is allowed again.
        Assert.Equal(HttpStatusCode.OK, (await InviteAsync(admin, "cleo@coffeeshop.test")).Response.StatusCode);
    }

    [Fact]
    public async Task Enrol_TwoConcurrentPostsOfOneLink_CreateExactlyOneAdmin()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        var link = new Uri(LinkOf((await InviteAsync(admin, "twice@coffeeshop.test")).Page)).PathAndQuery;
        var first = Factory.CreateBrowserClient();
        var second = Factory.CreateBrowserClient();
        var firstPage = await first.GetDocumentAsync(link);
        var secondPage = await second.GetDocumentAsync(link);

        var responses = await Task.WhenAll(EnrolAsync(first, firstPage), EnrolAsync(second, secondPage, "a-different-long-password"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Gone], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(2, await AdminCountAsync());
        Assert.Single(await AuditAsync(AuditAction.AdminEnrolled));
    }

    [Fact]
    public async Task Invite_AnExistingAdminOrASecondPendingInvitation_IsRefusedWithAMessage()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        await AdminSession.CreateUserAsync(Factory, Ben, admin: true);
        Assert.Equal(HttpStatusCode.OK, (await InviteAsync(admin, "cleo@coffeeshop.test")).Response.StatusCode);

        var existing = await InviteAsync(admin, Ben.ToUpperInvariant());
        var secondPending = await InviteAsync(admin, "cleo@coffeeshop.test");

        Assert.Equal(HttpStatusCode.BadRequest, existing.Response.StatusCode);
        Assert.Contains("already an admin", existing.Page.QuerySelector("#invite-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, secondPending.Response.StatusCode);
        Assert.Contains("already has a pending invitation", secondPending.Page.QuerySelector("#invite-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Null(secondPending.Page.QuerySelector("#enrolment-url"));
        await using var db = Db();
        Assert.Equal(1, await db.AdminInvitations.CountAsync());
    }

    [Fact]
    public async Task Team_ListsAdminsWithLastSignInAndTwoFactor_AndOffersNoButtonsForYourself()
    {
        await AdminSession.CreateUserAsync(Factory, Ben, admin: true);
        var admin = await AdminSession.SignInAsync(Factory, Ann);

        var team = await TeamAsync(admin);

        var self = RowOf(team, Ann);
        var ben = RowOf(team, Ben);
        Assert.Empty(self.QuerySelectorAll("form"));
        Assert.Contains("never", ben.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("never", self.TextContent, StringComparison.Ordinal);
        Assert.Contains("off", self.Children[2].TextContent, StringComparison.Ordinal);
        Assert.Equal("active", ben.QuerySelector(".status-cell")!.TextContent);
        Assert.NotNull(team.QuerySelector("caption"));
    }

    [Theory]
    [InlineData("Remove")]
    [InlineData("Disable")]
    public async Task Post_RemoveOrDisableYourself_IsRefusedAndYouStayAnAdmin(string handler)
    {
        await AdminSession.CreateUserAsync(Factory, Ben, admin: true);
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        var self = (await UserAsync(Ann))!;
        var team = await TeamAsync(admin);
        var form = FormIn(RowOf(team, Ben), handler);

        var response = await admin.SubmitAsync(form, new Dictionary<string, string?> { ["id"] = self.Id });

        Assert.Contains("cannot disable or remove yourself", (await admin.FollowRedirectAsync(response)).QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        var after = (await UserAsync(Ann))!;
        Assert.Null(after.LockoutEnd);
        Assert.Equal(2, await AdminCountAsync());
    }

    [Fact]
    public async Task Post_RemoveTheOtherOfTwoAdmins_DeletesTheAccountAndAudits()
    {
        await AdminSession.CreateUserAsync(Factory, Ben, admin: true);
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        var team = await TeamAsync(admin);

        var response = await admin.SubmitAsync(FormIn(RowOf(team, Ben), "Remove"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Null(await UserAsync(Ben));
        Assert.Equal(1, await AdminCountAsync());
        var entry = Assert.Single(await AuditAsync(AuditAction.AdminRemoved));
        Assert.Equal(Ann, entry.Actor);
        Assert.Equal($"admin {Ben}", entry.Subject);
    }

    [Fact]
    public async Task Post_TwoAdminsRemovingEachOtherAtOnce_LeaveExactlyOneAdmin()
    {
        var ann = await AdminSession.SignInAsync(Factory, Ann);
        var ben = await AdminSession.SignInAsync(Factory, Ben);
        var annForm = FormIn(RowOf(await TeamAsync(ann), Ben), "Remove");
        var benForm = FormIn(RowOf(await TeamAsync(ben), Ann), "Remove");

        var responses = await Task.WhenAll(ann.SubmitAsync(annForm), ben.SubmitAsync(benForm));

        Assert.All(responses, r => Assert.True((int)r.StatusCode is 303 or 302, $"answered {(int)r.StatusCode}"));
        Assert.Equal(1, await AdminCountAsync());
        Assert.Single(await AuditAsync(AuditAction.AdminRemoved));
    }

    [Fact]
    public async Task Post_TwoAdminsDisablingEachOtherAtOnce_LeaveOneActiveAdmin()
    {
        var ann = await AdminSession.SignInAsync(Factory, Ann);
        var ben = await AdminSession.SignInAsync(Factory, Ben);
        var annForm = FormIn(RowOf(await TeamAsync(ann), Ben), "Disable");
        var benForm = FormIn(RowOf(await TeamAsync(ben), Ann), "Disable");

        await Task.WhenAll(ann.SubmitAsync(annForm), ben.SubmitAsync(benForm));

        var disabled = new[] { (await UserAsync(Ann))!, (await UserAsync(Ben))! }.Count(u => AdminTeam.IsDisabled(u.LockoutEnd));
        Assert.Equal(1, disabled);
        Assert.Single(await AuditAsync(AuditAction.AdminDisabled));
    }

    [Fact]
    public async Task Disable_TheDisabledAdminsSessionStopsAtOnce_AndEnableLetsThemBackIn()
    {
        var ann = await AdminSession.SignInAsync(Factory, Ann);
        var ben = await AdminSession.SignInAsync(Factory, Ben);
        Assert.Equal(HttpStatusCode.OK, (await ben.GetAsync("/Admin/Orders")).StatusCode);

        var disabled = await ann.SubmitAsync(FormIn(RowOf(await TeamAsync(ann), Ben), "Disable"));

        Assert.Equal(HttpStatusCode.SeeOther, disabled.StatusCode);
        var next = await ben.GetAsync("/Admin/Orders");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Contains(AdminRegistration.SignInPath, next.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var signIn = await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), Ben, AdminSession.Password);
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal("disabled", RowOf(await TeamAsync(ann), Ben).QuerySelector(".status-cell")!.TextContent);

        var enabled = await ann.SubmitAsync(FormIn(RowOf(await TeamAsync(ann), Ben), "Enable"));

        Assert.Equal(HttpStatusCode.SeeOther, enabled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), Ben, AdminSession.Password)).StatusCode);
        Assert.Single(await AuditAsync(AuditAction.AdminDisabled));
        Assert.Single(await AuditAsync(AuditAction.AdminEnabled));
    }

    [Fact]
    public async Task LastAdmin_CannotBeDisabledOrRemoved_EvenByAnotherAdminWhoWasJustDisabled()
    {
        var ann = await AdminSession.SignInAsync(Factory, Ann);
        await AdminSession.CreateUserAsync(Factory, Ben, admin: true);
        await ann.SubmitAsync(FormIn(RowOf(await TeamAsync(ann), Ben), "Disable"));
        var annId = (await UserAsync(Ann))!.Id;
        var benId = (await UserAsync(Ben))!.Id;

        // Ben's stale page (or a request already under way) acts after he was disabled: Ann is the last active admin.
        await using var scope = Factory.Services.CreateAsyncScope();
        var team = scope.ServiceProvider.GetRequiredService<AdminTeam>();
        var removed = await team.RemoveAsync(annId, new Web.Auditing.AdminActor(benId, Ben), default);
        var disabled = await team.DisableAsync(annId, new Web.Auditing.AdminActor(benId, Ben), default);

        Assert.False(removed.Applied);
        Assert.False(disabled.Applied);
        Assert.NotNull(await UserAsync(Ann));
        Assert.Null((await UserAsync(Ann))!.LockoutEnd);
    }

    [Theory]
    [InlineData("/Admin/Team")]
    [InlineData("/Admin/Audit")]
    public async Task Get_TeamAndAudit_AnonymousIsSentToSignIn_NonAdminGets403(string path)
    {
        var anonymous = await Factory.CreateBrowserClient().GetAsync(path);
        var customer = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains(AdminRegistration.SignInPath, anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync(path)).StatusCode);
    }
    [Fact]
    public async Task Invite_EmailsTheEnrolmentLinkOnTheShopsAddress_WhichEnrolsAndLeavesNoLinkInTheDatabase()
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);
        // Whatever Host the request names, links point at the shop's configured address (Email:ShopUrl).
        admin.DefaultRequestHeaders.Host = "evil.example";
        var colleague = Smtp4Dev.NewAddress("colleague");

        var (response, page) = await InviteAsync(admin, colleague);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"on its way to {colleague} by email", page.QuerySelector("#invitation-emailed")!.TextContent, StringComparison.Ordinal);
        var shown = LinkOf(page);
        Assert.StartsWith("https://localhost/Enrol?token=", shown, StringComparison.Ordinal);
        await using (var db = Db())
        {
            var queued = await db.OutboxMessages.AsNoTracking().SingleAsync();
            Assert.Equal((MessageKind.AdminInvitation, colleague, OutboxStatus.Pending), (queued.Kind, queued.Recipient, queued.Status));
        }

        await Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None);
        var message = Assert.Single(await Smtp4Dev.WaitForAsync(colleague));

        Assert.Equal("You are invited to the CoffeeShop admin", message.Subject);
        var emailed = await MessageLinks.InHtmlAsync(message, "Accept the invitation");
        Assert.Equal(shown, emailed);
        Assert.Equal(shown, await MessageLinks.InTextAsync(message, "Accept the invitation"));
        Assert.Contains("for 72 hours", await Smtp4Dev.PlainTextAsync(message), StringComparison.Ordinal);
        await using (var db = Db())
        {
            var sent = await db.OutboxMessages.AsNoTracking().SingleAsync();
            Assert.Equal(OutboxStatus.Sent, sent.Status);
            Assert.Null(sent.Payload);
        }

        var newcomer = Factory.CreateBrowserClient();
        var enrolPage = await newcomer.GetDocumentAsync(new Uri(emailed).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await EnrolAsync(newcomer, enrolPage)).StatusCode);
        Assert.NotNull(await UserAsync(colleague));
        Assert.Equal(HttpStatusCode.Redirect, (await AdminSession.SubmitSignInAsync(Factory.CreateBrowserClient(), colleague, NewPassword)).StatusCode);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData(Ann)]
    public async Task Invite_RefusedAddress_QueuesNoEmail(string email)
    {
        var admin = await AdminSession.SignInAsync(Factory, Ann);

        var (response, page) = await InviteAsync(admin, email);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(page.QuerySelector("#enrolment-url"));
        await using var db = Db();
        Assert.Empty(await db.OutboxMessages.ToListAsync());
        Assert.Empty(await db.AdminInvitations.ToListAsync());
    }
}
