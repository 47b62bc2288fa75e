using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging.Templates;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// Turns an outbox row into a message: reads what it is about (an order, a refund, what needs
/// attention now) and renders its Razor template to HTML with the framework's <see cref="HtmlRenderer"/>,
/// plus the plain-text twin. The preview page renders the same templates from sample letters.
/// </summary>
public sealed class MessageComposer(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<EmailOptions> email,
    IOptions<ShopOptions> shop,
    IOptions<DataProtectionTokenProviderOptions> tokens,
    IServiceScopeFactory scopes,
    ILoggerFactory loggers)
{
    private string ShopName => shop.Value.Name;

    /// <summary>The message, or null when what it was about is gone (it is then failed with that reason).</summary>
    public async Task<ComposedEmail?> ComposeAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case MessageKind.AdminAlert:
                return await AlertAsync(cancellationToken);
            case MessageKind.AdminInvitation or MessageKind.PasswordReset:
                if (Outbox.ReadPayload<LinkPayload>(message) is not { } payload)
                {
                    return null;
                }

                var hours = payload.ValidHours ?? (int)Math.Ceiling(tokens.Value.TokenLifespan.TotalHours);
                return await RenderAsync(message.Kind, new LinkLetter(ShopName, new Uri(payload.Url), hours), To(message.Recipient));
            default:
                var letter = await OrderLetterAsync(message, cancellationToken);
                return letter is null ? null : await RenderAsync(message.Kind, letter, To(message.Recipient));
        }
    }

    /// <summary>Renders one kind's template from a letter (a sample one, on the preview page).</summary>
    public async Task<ComposedEmail> RenderAsync(MessageKind kind, object letter, IReadOnlyList<MailboxAddress> to)
    {
        var (component, subject, text) = (kind, letter) switch
        {
            (MessageKind.OrderConfirmation, OrderLetter l) => (typeof(OrderConfirmationEmail), OrderConfirmationEmail.Subject(l), LetterText.OrderConfirmation(l)),
            (MessageKind.PaymentProcessing, OrderLetter l) => (typeof(PaymentProcessingEmail), PaymentProcessingEmail.Subject(l), LetterText.PaymentProcessing(l)),
            (MessageKind.PaymentFailed, OrderLetter l) => (typeof(PaymentFailedEmail), PaymentFailedEmail.Subject(l), LetterText.PaymentFailed(l)),
            (MessageKind.OrderShipped, OrderLetter l) => (typeof(OrderShippedEmail), OrderShippedEmail.Subject(l), LetterText.OrderShipped(l)),
            (MessageKind.RefundIssued, OrderLetter l) => (typeof(RefundIssuedEmail), RefundIssuedEmail.Subject(l), LetterText.RefundIssued(l)),
            (MessageKind.AdminAlert, AlertLetter l) => (typeof(AdminAlertEmail), AdminAlertEmail.Subject(l), LetterText.AdminAlert(l)),
            (MessageKind.AdminInvitation, LinkLetter l) => (typeof(AdminInvitationEmail), AdminInvitationEmail.Subject(l), LetterText.AdminInvitation(l)),
            (MessageKind.PasswordReset, LinkLetter l) => (typeof(PasswordResetEmail), PasswordResetEmail.Subject(l), LetterText.PasswordReset(l)),
            _ => throw new ArgumentException($"A {kind} message is not written from a {letter.GetType().Name}.", nameof(letter)),
        };
        // A scope of its own: the renderer asks for scoped services, which the root provider refuses (Development validates scopes).
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync(component, ParameterView.FromDictionary(new Dictionary<string, object?> { ["Letter"] = letter }));
            return output.ToHtmlString();
        });
        return new ComposedEmail(to, subject, html, text);
    }

    private Uri Link(string path) => new(email.Value.ShopUri, path.TrimStart('/'));

    private static MailboxAddress[] To(string address) => [new MailboxAddress("", address)];

    private async Task<OrderLetter?> OrderLetterAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        var refund = message.RefundId is { } refundId
            ? await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == refundId, cancellationToken)
            : null;
        if (message.Kind == MessageKind.RefundIssued && refund is null)
        {
            return null;
        }

        return LetterFor(order, refund);
    }

    /// <summary>An order as its letters tell it; public so the preview page can write one from a sample order.</summary>
    public OrderLetter LetterFor(Order order, Refund? refund)
    {
        var orderPath = $"Orders/{Uri.EscapeDataString(order.PublicId)}";
        var vat = Vat.Breakdown(order.Lines.Select(l => (l.LineTotalMinor, l.VatRateBasisPoints))
            .Append((order.ShippingMinor, order.ShippingVatRateBasisPoints)));
        return new OrderLetter
        {
            ShopName = ShopName,
            OrderReference = order.Reference,
            OrderUrl = Link(orderPath),
            InvoiceUrl = order.InvoiceNumber is null ? null : Link($"{orderPath}/Invoice"),
            InvoiceReference = order.InvoiceReference,
            Lines = order.Lines.OrderBy(l => l.Id)
                .Select(l => new OrderLetterLine(l.ProductName, l.Quantity, new Money(l.UnitPriceMinor, order.Currency), new Money(l.LineTotalMinor, order.Currency)))
                .ToList(),
            Subtotal = order.Subtotal,
            Shipping = order.Shipping,
            Total = order.Total,
            VatIncluded = vat.Select(v => (Vat.FormatRate(v.RateBasisPoints), new Money(v.VatMinor, order.Currency))).ToList(),
            ShipTo = order.ShipTo,
            Carrier = order.Carrier,
            TrackingNumber = order.TrackingNumber,
            TrackingUrl = Uri.TryCreate(order.TrackingUrl, UriKind.Absolute, out var tracking) ? tracking : null,
            Refunded = refund is null ? null : new Money(refund.AmountMinor, refund.Currency),
            CreditNoteReference = refund?.CreditNoteReference,
            CreditNoteUrl = refund?.CreditNoteNumber is { } number ? Link($"{orderPath}/CreditNotes/{number}") : null,
            TryAgainUrl = Link("Cart"),
        };
    }

    private async Task<ComposedEmail?> AlertAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var admins = await AdminAddressesAsync(db, cancellationToken);
        var items = await db.PaymentRecords.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null) || p.Status == PaymentStatus.Disputed)
            .OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id)
            .Take(50)
            .Select(p => new { p.Id, p.OrderId, p.Status, p.AmountMinor, p.Currency, p.AttentionReason })
            .ToListAsync(cancellationToken);
        if (admins.Count == 0 || items.Count == 0)
        {
            // Nobody to tell, or an admin settled everything before the alert went: nothing to say.
            return null;
        }

        var letter = new AlertLetter(ShopName,
            items.Select(i => new AlertLine(Order.FormatReference(i.OrderId), i.Status.Label(), new Money(i.AmountMinor, i.Currency),
                i.Status == PaymentStatus.Disputed ? "the customer's bank opened a dispute" : i.AttentionReason ?? "needs a decision",
                Link($"Admin/Payments/{i.Id}"))).ToList(),
            Link("Admin/Payments?attention=true"));
        return await RenderAsync(MessageKind.AdminAlert, letter, admins);
    }

    /// <summary>Every admin not disabled (a lockout after failed sign-ins ends; a disabled admin's lasts for ever); an alert goes to all at once.</summary>
    private static async Task<List<MailboxAddress>> AdminAddressesAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var disabledFrom = new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var emails = await db.Users.AsNoTracking()
            .Where(u => u.Email != null && (u.LockoutEnd == null || u.LockoutEnd < disabledFrom))
            .OrderBy(u => u.Email)
            .Select(u => u.Email!)
            .ToListAsync(cancellationToken);
        return emails.Select(e => new MailboxAddress("", e)).ToList();
    }
}
