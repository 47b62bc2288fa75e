using System.Net;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CoffeeShop.Web.Tests.Messaging;

/// <summary>
/// The outbox under faults: the SMTP server stopped, refusing with 4xx and 5xx, a change that rolls
/// back, two instances dispatching at once, and customer text that tries to become a header.
/// </summary>
public class OutboxFaultTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private readonly List<ShopFactory> _instances = [];

    private ShopFactory StartInstance(int smtpPort, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Outbox:FirstRetrySeconds"] = "1",
            ["Email:Outbox:MaxRetryMinutes"] = "1",
            ["Email:Outbox:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var instance = new ShopFactory(Stripe, all, services);
        _instances.Add(instance);
        _ = instance.Services;
        return instance;
    }

    public override async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static async Task<int> DispatchAsync(ShopFactory instance)
    {
        var dispatcher = instance.Services.GetRequiredService<OutboxDispatcher>();
        var claimed = 0;
        for (int batch; (batch = await dispatcher.DispatchOnceAsync(CancellationToken.None)) > 0;)
        {
            claimed += batch;
        }

        return claimed;
    }

    private async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = Db();
        return await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    private async Task<Order> PayAsync(ShopFactory instance, string email)
    {
        var shopper = new Shopper(instance.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);
        var response = await shopper.PayAsync(ConfirmationTokens.Visa, email);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Email == email);
    }

    /// <summary>Waits until every message is past its back-off, so the next pass attempts them again.</summary>
    private async Task WaitUntilDueAsync()
    {
        var due = (await OutboxAsync()).Where(m => m.Status == OutboxStatus.Pending).Select(m => m.NextAttemptAt).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        var wait = due - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(50));
        }
    }

    [Fact]
    public async Task SmtpServerStopped_CheckoutAndShippingWork_MessagesWait_ThenEachIsDeliveredOnceWhenItStarts()
    {
        await using var gate = new SmtpGate();
        var shop = StartInstance(gate.Port);
        var ada = Smtp4Dev.NewAddress();
        var bob = Smtp4Dev.NewAddress();
        var adaOrder = await PayAsync(shop, ada);
        await PayAsync(shop, bob);
        var admin = await AdminSession.SignInAsync(shop);
        var page = await admin.GetDocumentAsync($"/Admin/Orders/{adaOrder.Id}");
        await admin.SubmitAsync(page.Form("#pack-form"));
        page = await admin.GetDocumentAsync($"/Admin/Orders/{adaOrder.Id}");
        var shipped = await admin.SubmitAsync(page.Form("#ship-form"), new Dictionary<string, string?> { ["Step.Carrier"] = "DHL", ["Step.TrackingNumber"] = "JD0123456789" });
        Assert.Equal(HttpStatusCode.SeeOther, shipped.StatusCode);

        // The server is down: every message is tried once and waits with the reason.
        Assert.Equal(3, await DispatchAsync(shop));
        var waiting = await OutboxAsync();
        Assert.All(waiting, m => Assert.Equal((OutboxStatus.Pending, 1), (m.Status, m.Attempts)));
        Assert.All(waiting, m => Assert.False(string.IsNullOrEmpty(m.LastError)));
        Assert.Empty(await Smtp4Dev.MessagesToAsync(ada));

        gate.Open();
        await WaitUntilDueAsync();
        await DispatchAsync(shop);
        await DispatchAsync(shop);

        Assert.All(await OutboxAsync(), m => Assert.Equal((OutboxStatus.Sent, 2), (m.Status, m.Attempts)));
        var adaMessages = await Smtp4Dev.WaitForAsync(ada, 2);
        await Task.Delay(300);
        Assert.Equal(2, (await Smtp4Dev.MessagesToAsync(ada)).Count);
        Assert.Single(await Smtp4Dev.MessagesToAsync(bob));
        Assert.Contains(adaMessages, m => m.Subject.EndsWith("has shipped", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("451 4.3.0 Mailbox busy, try again later", null, "451")]
    [InlineData(null, "554 5.7.1 Message refused", "554")]
    public async Task SmtpServerRefuses_RetriedWithBackOff_ThenFailedWithTheAnswer_AndSentOnceAfterSendAgain(string? recipientReply, string? dataReply, string code)
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.RecipientReply = recipientReply;
        smtp.DataReply = dataReply;
        var shop = StartInstance(smtp.Port);
        await PayAsync(shop, Smtp4Dev.NewAddress());

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await WaitUntilDueAsync();
            Assert.Equal(1, await DispatchAsync(shop));
            var row = Assert.Single(await OutboxAsync());
            Assert.Equal(attempt, row.Attempts);
            Assert.Contains(code, row.LastError, StringComparison.Ordinal);
            Assert.Equal(attempt < 3 ? OutboxStatus.Pending : OutboxStatus.Failed, row.Status);
            if (attempt < 3)
            {
                // Back-off doubles from one second.
                Assert.True(row.NextAttemptAt > DateTimeOffset.UtcNow.AddMilliseconds(200), $"due at {row.NextAttemptAt:O}");
            }
        }

        await Task.Delay(1100);
        Assert.Equal(0, await DispatchAsync(shop));
        Assert.Empty(smtp.Accepted);

        // The server is fixed; an admin sends it again.
        smtp.RecipientReply = null;
        smtp.DataReply = null;
        var failed = Assert.Single(await OutboxAsync());
        var admin = await AdminSession.SignInAsync(shop);
        var emails = await admin.GetDocumentAsync("/Admin/Emails");
        Assert.Contains(code, emails.QuerySelector($"#failed-emails tr[data-id='{failed.Id}']")!.TextContent, StringComparison.Ordinal);
        var resent = await admin.SubmitAsync(emails.Form($"#failed-emails tr[data-id='{failed.Id}'] form.resend-form"));
        Assert.Equal(HttpStatusCode.SeeOther, resent.StatusCode);
        Assert.Equal(1, await DispatchAsync(shop));

        Assert.Single(smtp.Accepted);
        Assert.Equal(OutboxStatus.Sent, Assert.Single(await OutboxAsync()).Status);
    }

    [Fact]
    public async Task PaymentTransactionRolledBack_LeavesNoOutboxRow_AndTheSettledPaymentSendsOne()
    {
        var breaks = new FailAfterInvoiceNumberInterceptor();
        var broken = StartInstance(Smtp4Dev.SmtpPort, services: s => s.AddSingleton<IInterceptor>(breaks));
        var email = Smtp4Dev.NewAddress();
        var shopper = new Shopper(broken.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);

        await shopper.PayAsync(ConfirmationTokens.Visa, email);

        Assert.Single(breaks.TakenThenRolledBack);
        Assert.Empty(await OutboxAsync());
        await using (var db = Db())
        {
            Assert.Equal(OrderStatus.AwaitingPayment, (await db.Orders.SingleAsync()).Status);
            // The reconciler settles it later; the confirmation comes with that commit.
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow.AddMinutes(-10)).SetProperty(p => p.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-10)));
        }

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CoffeeShop.Web.Payments.Reconciler>().ReconcileDueAsync(CancellationToken.None);
        }

        Assert.Equal(MessageKind.OrderConfirmation, Assert.Single(await OutboxAsync()).Kind);
    }

    [Fact]
    public async Task TwoInstancesDispatchingAtOnce_SendEachMessageOnce()
    {
        var running = new Dictionary<string, string?> { ["Email:Outbox:Enabled"] = "true", ["Email:Outbox:PollMilliseconds"] = "50", ["Email:Outbox:BatchSize"] = "10" };
        var recipients = Enumerable.Range(0, 120).Select(_ => Smtp4Dev.NewAddress("colleague")).ToList();
        await using (var db = Db())
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var recipient in recipients)
            {
                Outbox.PasswordReset(db, recipient, $"https://localhost/Identity/Account/ResetPassword?code={Guid.NewGuid():N}", now);
            }

            await db.SaveChangesAsync();
        }

        var a = StartInstance(Smtp4Dev.SmtpPort, running);
        var b = StartInstance(Smtp4Dev.SmtpPort, running);
        var order = await PayAsync(a, Smtp4Dev.NewAddress());

        Assert.True(await Waits.UntilAsync(async () => (await OutboxAsync()).All(m => m.Status == OutboxStatus.Sent), TimeSpan.FromSeconds(60)), "not all sent within 60 s");

        var rows = await OutboxAsync();
        Assert.Equal(121, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.All(rows, r => Assert.Null(r.Payload));
        // smtp4dev files what it accepted a moment later: wait for each, then look for any second copy.
        var all = await Task.WhenAll(recipients.Append(order.Email).Select(r => Smtp4Dev.WaitForAsync(r)));
        await Task.Delay(500);
        all = await Task.WhenAll(recipients.Append(order.Email).Select(Smtp4Dev.MessagesToAsync));
        Assert.All(all, received => Assert.Single(received));
        // Counted by the senders too: the two dispatchers together handed the server each message once.
        Assert.Equal(121, a.Services.GetRequiredService<OutboxDispatcher>().SentCount + b.Services.GetRequiredService<OutboxDispatcher>().SentCount);
    }

    [Fact]
    public async Task ABatchSharedOverSeveralConnections_SendsEachMessageOnce_OverlappingOnASlowServer()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.DataDelay = TimeSpan.FromMilliseconds(100);
        var shop = StartInstance(smtp.Port, new() { ["Email:Outbox:BatchSize"] = "30", ["Email:Outbox:Connections"] = "3" });
        var recipients = Enumerable.Range(0, 30).Select(n => $"colleague{n}@example.com").ToList();
        await using (var db = Db())
        {
            foreach (var recipient in recipients)
            {
                Outbox.PasswordReset(db, recipient, $"https://localhost/Identity/Account/ResetPassword?code={Guid.NewGuid():N}", DateTimeOffset.UtcNow);
            }

            await db.SaveChangesAsync();
        }

        Assert.Equal(30, await shop.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None));

        Assert.All(await OutboxAsync(), m => Assert.Equal((OutboxStatus.Sent, 1), (m.Status, m.Attempts)));
        Assert.Equal(recipients.Order(), smtp.Accepted.Select(a => Assert.Single(a.Recipients)).Order());
        // Three connections waited on the server at once: a share's rendering never waits for another's answer.
        Assert.Equal(3, smtp.MostOpenConnections);
        Assert.Equal(30, shop.Services.GetRequiredService<OutboxDispatcher>().SentCount);
    }

    [Fact]
    public async Task CustomerTextWithLineBreaksAndHeaders_NeverAddsAHeaderOrARecipientOnTheWire()
    {
        await using var smtp = FakeSmtpServer.Start();
        var shop = StartInstance(smtp.Port);
        var order = await PayAsync(shop, Smtp4Dev.NewAddress());
        const string Injected = "Ada\r\nBcc: evil@example.com\r\nSubject: free coffee";
        await using (var db = Db())
        {
            // Straight into the row, past the checkout's own checks: the mail layer must hold on its own.
            await db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.ShipName, Injected).SetProperty(o => o.ShipLine1, "Street 1\nCc: evil@example.com"));
        }

        Assert.Equal(1, await DispatchAsync(shop));
        // And a message whose display name and subject carry the same text, straight through the mailer.
        var options = shop.Services.GetRequiredService<IOptions<EmailOptions>>();
        await using (var mailer = new SmtpMailer(options))
        {
            await mailer.SendAsync(new ComposedEmail([new MailboxAddress(Injected, order.Email)], $"Hello {Injected}", "<p>x</p>", "x"),
                "test-1@coffeeshop.test", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        Assert.Equal(2, smtp.Accepted.Count);
        foreach (var (envelope, data) in smtp.Accepted)
        {
            Assert.Equal([order.Email], envelope);
            var headers = data[..data.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
            Assert.DoesNotContain(headers, h => h.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase) || h.StartsWith("Cc:", StringComparison.OrdinalIgnoreCase));
            Assert.Single(headers, h => h.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase));
            Assert.Single(headers, h => h.StartsWith("To:", StringComparison.OrdinalIgnoreCase));
        }

        // One RCPT TO per message, each to the customer and no one else.
        Assert.Equal([$"RCPT TO:<{order.Email}>", $"RCPT TO:<{order.Email}>"], smtp.Commands.Where(c => c.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task DatabaseRestartsBetweenTheServersAcceptAndMarkingSent_TheMarkIsTriedAgain_AndTheMessageIsSentOnce()
    {
        // bench/soak found a few messages delivered twice after PostgreSQL restarts: the server had accepted
        // them, the UPDATE marking them sent failed, and the next claim after the lease sent them again.
        var breaks = new FailOutboxMarksInterceptor(failures: 2);
        await using var smtp = FakeSmtpServer.Start();
        var shop = StartInstance(smtp.Port, new() { ["Email:Smtp:TimeoutSeconds"] = "2", ["Email:Outbox:LeaseSeconds"] = "5" },
            services: s => s.AddSingleton<IInterceptor>(breaks));
        await PayAsync(shop, Smtp4Dev.NewAddress());

        Assert.Equal(1, await shop.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None));
        Assert.Equal(2, breaks.Failed);
        var row = Assert.Single(await OutboxAsync());
        Assert.Equal((OutboxStatus.Sent, 1), (row.Status, row.Attempts));

        // Past the lease, nothing is due again: the server has the message once.
        await Task.Delay(TimeSpan.FromSeconds(5.2));
        Assert.Equal(0, await DispatchAsync(shop));
        Assert.Single(smtp.Accepted);
    }

    [Fact]
    public async Task InstanceDiesBetweenTheServersAcceptAndMarkingSent_AnotherSendsItAgainUnderTheSameMessageId()
    {
        var shop = StartInstance(Smtp4Dev.SmtpPort, new() { ["Email:Smtp:TimeoutSeconds"] = "2", ["Email:Outbox:LeaseSeconds"] = "5" });
        var email = Smtp4Dev.NewAddress();
        await PayAsync(shop, email);

        // The first instance claims and sends, then dies before its UPDATE: the row keeps its lease, not sent.
        var store = shop.Services.GetRequiredService<OutboxStore>();
        var claimed = Assert.Single(await store.ClaimAsync(Guid.NewGuid(), CancellationToken.None));
        var composed = await shop.Services.GetRequiredService<MessageComposer>().ComposeAsync(claimed, CancellationToken.None);
        var options = shop.Services.GetRequiredService<IOptions<EmailOptions>>();
        await using (var dying = new SmtpMailer(options))
        {
            await dying.SendAsync(composed!, claimed.MessageIdAt(options.Value.MessageIdDomain), claimed.CreatedAt, CancellationToken.None);
        }

        Assert.Equal(0, await DispatchAsync(shop));
        await Task.Delay(TimeSpan.FromSeconds(5.2));
        Assert.Equal(1, await DispatchAsync(shop));

        var row = Assert.Single(await OutboxAsync());
        Assert.Equal((OutboxStatus.Sent, 2), (row.Status, row.Attempts));
        var copies = await Smtp4Dev.WaitForAsync(email, 2);
        Assert.Equal(2, copies.Count);
        var ids = await Task.WhenAll(copies.Select(async c => (await Smtp4Dev.SourceAsync(c)).Split('\n').Select(l => l.TrimEnd('\r'))
            .First(l => l.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase))));
        Assert.Equal($"<outbox-{row.Id}@coffeeshop.test>", ids.Distinct().Single().Split(':', 2)[1].Trim());
    }
}
