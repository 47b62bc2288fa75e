using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// The messages customers receive, as smtp4dev received them, opened in Chromium: axe finds nothing at
/// a desktop mail client's width and at 360 px, no line runs off a phone's screen, and nothing is
/// fetched from anywhere (no images, no trackers).
/// </summary>
public sealed class EmailBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : PaymentTest(fixture), IClassFixture<BrowserFixture>
{
    private async Task DispatchAsync()
    {
        var dispatcher = Factory.Services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    [Fact]
    public async Task Browser_ConfirmationShippedAndRefundMessages_PassAxeAndFitAPhone_FetchingNothing()
    {
        var email = Smtp4Dev.NewAddress();
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        await shopper.PayAsync(ConfirmationTokens.Visa, email);
        long orderId, recordId;
        await using (var db = Db())
        {
            var record = await db.PaymentRecords.SingleAsync(p => p.CustomerEmail == email);
            (orderId, recordId) = (record.OrderId, record.Id);
        }

        var admin = await AdminSession.SignInAsync(Factory);
        foreach (var (form, values) in new (string, Dictionary<string, string?>?)[]
        {
            ("#pack-form", null),
            ("#ship-form", new() { ["Step.Carrier"] = "DHL", ["Step.TrackingNumber"] = "JD0123456789" }),
        })
        {
            var desk = await admin.GetDocumentAsync($"/Admin/Orders/{orderId}");
            await admin.SubmitAsync(desk.Form(form), values);
        }

        var payment = await admin.GetDocumentAsync($"/Admin/Payments/{recordId}");
        await admin.SubmitAsync(payment.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "16.90", ["Refund.Reason"] = "requested_by_customer" });
        await DispatchAsync();

        var messages = await Smtp4Dev.WaitForAsync(email, 3);
        Assert.Equal(3, messages.Count);
        var page = await browser.Browser.NewPageAsync();
        var fetched = new List<string>();
        page.Request += (_, request) => fetched.Add(request.Url);
        foreach (var message in messages.OrderBy(m => m.ReceivedDate))
        {
            await page.SetViewportSizeAsync(640, 900);
            await page.SetContentAsync(await Smtp4Dev.HtmlAsync(message));
            Assert.Equal(message.Subject, await page.TitleAsync());
            var problems = (await Axe.ViolationsAsync(page)).Select(v => $"at 640 px: {v}").ToList();
            if (message.Subject.EndsWith("is confirmed", StringComparison.Ordinal))
            {
                await Screenshots.SaveAsync(page, "email-confirmation");
            }

            await page.SetViewportSizeAsync(360, 740);
            problems.AddRange((await Axe.ViolationsAsync(page)).Select(v => $"at 360 px: {v}"));
            var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(problems.Count == 0, $"{message.Subject}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
            Assert.True(scrollWidth <= 360, $"{message.Subject} is {scrollWidth} px wide at 360 px");
        }

        // axe's own script is injected, not fetched; the messages themselves load nothing.
        Assert.DoesNotContain(fetched, u => !u.StartsWith("about:", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal));
        await page.CloseAsync();
        await using var check = Db();
        Assert.Equal(3, await check.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Sent));
    }
}
