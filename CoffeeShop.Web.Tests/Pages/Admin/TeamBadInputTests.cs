using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>Bad input on the Team page and the enrolment page: a message or a 4xx, never a 500, and nothing written.</summary>
public class TeamBadInputTests(ShopFixture fixture) : ShopTest(fixture)
{
    public static TheoryData<string> BadEmails() => new()
    {
        "",
        "   ",
        "not-an-email",
        "ann@",
        "@coffeeshop.test",
        "ann smith@coffeeshop.test",
        "<script>alert(1)</script>@coffeeshop.test",
        "ann@coffeeshop.test\r\nBcc: eve@evil.test",
        new string('a', 250) + "@coffeeshop.test",
        "ann@ｃoffeeshop.test",
    };

    [Theory]
    [MemberData(nameof(BadEmails))]
    public async Task Post_Invite_BadEmail_Is400WithAMessageAndNoInvitation(string email)
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var team = await admin.GetDocumentAsync("/Admin/Team");

        var response = await admin.SubmitAsync(team.Form("#invite-form"), new Dictionary<string, string?> { ["InviteEmail"] = email });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains("valid email", page.QuerySelector("#invite-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#enrolment-url"));
        await using var db = Db();
        Assert.Equal(0, await db.AdminInvitations.CountAsync());
    }

    [Theory]
    [InlineData("Remove", "id", null)]
    [InlineData("Disable", "id", "no-such-user")]
    [InlineData("Enable", "id", "")]
    [InlineData("Revoke", "invitation", "not-a-guid")]
    [InlineData("Revoke", "invitation", "6f9619ff-8b86-d011-b42d-00cf4fc964ff")]
    public async Task Post_TeamChange_MissingOrUnknownTarget_ChangesNothing(string handler, string field, string? value)
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var team = await admin.GetDocumentAsync("/Admin/Team");
        var form = team.Form("#invite-form");
        form.SetAttribute("action", $"/Admin/Team?handler={handler}");

        var response = await admin.SubmitAsync(form, new Dictionary<string, string?> { [field] = value });

        Assert.True((int)response.StatusCode is 400 or 303, $"answered {(int)response.StatusCode}");
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.Null((await users.FindByEmailAsync("admin@coffeeshop.test"))!.LockoutEnd);
        await using var db = Db();
        Assert.Equal(0, await db.AuditLog.CountAsync(a => a.Action != Web.Domain.AuditAction.SignIn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?token=")]
    [InlineData("?token=not-a-real-token")]
    [InlineData("?token=%C3%A9%20x")]
    [InlineData("?token=<script>")]
    public async Task Get_Enrol_BadToken_Is410WithAPlainPage(string query)
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/Enrol" + query);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(response)).QuerySelector("#link-unusable"));
    }

    [Fact]
    public async Task Get_Enrol_VeryLongToken_Is410()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/Enrol?token=" + new string('x', 5000));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Theory]
    [InlineData("short", "short", "at least 12")]
    [InlineData("", "", "Choose a password")]
    [InlineData("a-long-enough-password", "a-different-password", "differ")]
    [InlineData("a-long-enough-password", "", "again")]
    public async Task Post_Enrol_BadPassword_Is400WithAMessageAndNoAccount(string password, string confirm, string message)
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var team = await admin.GetDocumentAsync("/Admin/Team");
        var invited = await HtmlForms.ParseAsync(await admin.SubmitAsync(team.Form("#invite-form"),
            new Dictionary<string, string?> { ["InviteEmail"] = "cleo@coffeeshop.test" }));
        var link = new Uri(invited.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#enrolment-url")!.Value).PathAndQuery;
        var client = Factory.CreateBrowserClient();
        var page = await client.GetDocumentAsync(link);

        var response = await client.SubmitAsync(page.Form("#enrol-form"), new Dictionary<string, string?>
        {
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await HtmlForms.ParseAsync(response);
        Assert.Contains(message, body.QuerySelector("#enrol-errors")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(password.Length > 0 ? password : "\u0000", body.DocumentElement.OuterHtml, StringComparison.Ordinal);
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync("cleo@coffeeshop.test"));
        // The link still works after a refused attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
    }
}
