using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging.Templates;
using CoffeeShop.Web.Shopping;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// Every kind of message written from sample data, for the admins' preview page: a made-up order with two
/// lines, an address with a second line, VAT, shipping and tracking, and a refund with its credit note.
/// The order's letter is written by <see cref="MessageComposer.LetterFor"/>, so its links are made as in
/// real messages; nothing is read from or written to the database.
/// </summary>
public sealed class SampleLetters(MessageComposer composer, IOptions<EmailOptions> email, IOptions<ShopOptions> shop)
{
    public const string CustomerAddress = "ada.lovelace@example.com";
    public const string AdminAddress = "admin@example.com";

    /// <summary>Whether the links in messages can be made: they start with the setting Email:ShopUrl.</summary>
    public bool CanWrite => Uri.TryCreate(email.Value.ShopUrl, UriKind.Absolute, out var shopUrl) && shopUrl.Scheme is "http" or "https";

    public Task<ComposedEmail> RenderAsync(MessageKind kind)
    {
        var order = Order();
        object letter = kind switch
        {
            MessageKind.AdminAlert => Alert(order),
            MessageKind.AdminInvitation => new LinkLetter(shop.Value.Name, Link("Enrol?token=sample-enrolment-token"), 0),
            MessageKind.PasswordReset => new LinkLetter(shop.Value.Name, Link("Identity/Account/ResetPassword?code=sample-reset-code"), 24),
            MessageKind.RefundIssued => composer.LetterFor(order, Refund(order)),
            _ => composer.LetterFor(order, null),
        };
        var to = kind is MessageKind.AdminAlert or MessageKind.AdminInvitation or MessageKind.PasswordReset ? AdminAddress : CustomerAddress;
        return composer.RenderAsync(kind, letter, [new MailboxAddress("", to)]);
    }

    private Uri Link(string path) => new(email.Value.ShopUri, path);

    private Order Order()
    {
        var currency = shop.Value.Currency;
        var vat = shop.Value.VatRateBasisPoints;
        var order = new Order
        {
            Id = 1042,
            PublicId = "sample-order-7Qx2LmN4pR8s",
            CartFingerprint = "sample",
            Email = CustomerAddress,
            Status = OrderStatus.Paid,
            Currency = currency,
            ShippingMinor = 490,
            ShippingVatRateBasisPoints = vat,
            InvoiceNumber = 317,
            Fulfilment = FulfilmentStatus.Shipped,
            Carrier = "DHL",
            TrackingNumber = "00340434161094042557",
            TrackingUrl = "https://tracking.example.com/parcels/00340434161094042557",
            Lines =
            [
                new OrderLine { Id = 1, ProductName = "Kiambu AA, Kenya", UnitPriceMinor = 1690, Quantity = 2, LineTotalMinor = 3380, VatRateBasisPoints = vat },
                new OrderLine { Id = 2, ProductName = "Yirgacheffe Kochere, Ethiopia", UnitPriceMinor = 1450, Quantity = 1, LineTotalMinor = 1450, VatRateBasisPoints = vat },
            ],
        };
        order.SubtotalMinor = order.Lines.Sum(l => l.LineTotalMinor);
        order.TotalMinor = order.SubtotalMinor + order.ShippingMinor;
        order.SetShipTo(new ShippingAddress("Ada Lovelace", "Kastanienallee 12", "Hinterhaus, 3rd floor", "10435", "Berlin", "DE", "+49 30 1234567"));
        return order;
    }

    private static Refund Refund(Order order) => new()
    {
        Id = Guid.Parse("5a3f3c4e-8b1d-4d6a-9a57-2f0d3c1b7e42"),
        AmountMinor = order.Lines[0].UnitPriceMinor,
        Currency = order.Currency,
        Reason = "requested_by_customer",
        Status = "succeeded",
        Source = "admin",
        CreditNoteNumber = 23,
    };

    private AlertLetter Alert(Order order) => new(shop.Value.Name,
    [
        new AlertLine(order.Reference, PaymentStatus.NeedsAttention.Label(), order.Total, "duplicate payment: the order was already paid", Link("Admin/Payments/7")),
        new AlertLine(Domain.Order.FormatReference(1039), nameof(PaymentStatus.Disputed), new Money(2980, order.Currency), "the customer's bank opened a dispute", Link("Admin/Payments/5")),
    ], Link("Admin/Payments?attention=true"));
}
