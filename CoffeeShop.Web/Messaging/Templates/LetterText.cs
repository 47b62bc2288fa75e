using System.Text;

namespace CoffeeShop.Web.Messaging.Templates;

/// <summary>The plain-text twin of each template: the same words and every link written out, for clients and readers that skip HTML.</summary>
public static class LetterText
{
    public static string OrderConfirmation(OrderLetter letter) => Write(letter.ShopName, OrderConfirmationEmail.Subject(letter), text => text
        .Line($"Thank you: we have your payment for order {letter.OrderReference} and will pack your coffee soon. We write again when it ships.")
        .AppendLine()
        .Append(Summary(letter))
        .Line($"See your order: {letter.OrderUrl}")
        .Line(letter.InvoiceUrl is null ? "" : $"Your invoice {letter.InvoiceReference}: {letter.InvoiceUrl}"));

    public static string PaymentProcessing(OrderLetter letter) => Write(letter.ShopName, PaymentProcessingEmail.Subject(letter), text => text
        .Line($"Your bank is still processing the payment for order {letter.OrderReference}. Your coffee is kept for you meanwhile; we write again as soon as the payment is through.")
        .AppendLine()
        .Append(Summary(letter))
        .Line($"See your order: {letter.OrderUrl}"));

    public static string PaymentFailed(OrderLetter letter) => Write(letter.ShopName, PaymentFailedEmail.Subject(letter), text => text
        .Line($"The payment for order {letter.OrderReference} did not go through, so nothing was charged and the order is not on its way. Your cart is kept: you can try again with another card or payment method.")
        .AppendLine()
        .Line($"Try the payment again: {letter.TryAgainUrl}")
        .AppendLine()
        .Append(Summary(letter)));

    public static string OrderShipped(OrderLetter letter) => Write(letter.ShopName, OrderShippedEmail.Subject(letter), text => text
        .Line($"Your coffee is on its way with {letter.Carrier}. Tracking number: {letter.TrackingNumber}.")
        .Line(letter.TrackingUrl is null ? "" : $"Follow the parcel: {letter.TrackingUrl}")
        .AppendLine()
        .Append(Summary(letter))
        .Line($"See your order: {letter.OrderUrl}"));

    public static string RefundIssued(OrderLetter letter) => Write(letter.ShopName, RefundIssuedEmail.Subject(letter), text => text
        .Line($"We have refunded {letter.Refunded} for order {letter.OrderReference} to the card you paid with. Banks usually show it within 5 to 10 days.")
        .Line(letter.CreditNoteUrl is null ? "" : $"Your credit note {letter.CreditNoteReference}: {letter.CreditNoteUrl}")
        .Line($"See your order: {letter.OrderUrl}"));

    public static string AdminAlert(AlertLetter letter) => Write(letter.ShopName, AdminAlertEmail.Subject(letter), text =>
    {
        text.AppendLine("These payments wait for an admin. Nothing is charged or refunded until one of you decides.").AppendLine();
        foreach (var item in letter.Items)
        {
            text.Line($"- {item.OrderReference}, {item.Amount}, {item.Status}: {item.Why}").Line($"  {item.AdminUrl}");
        }

        return text.AppendLine().Line($"Open the payments that need attention: {letter.AttentionUrl}");
    });

    public static string AdminInvitation(LinkLetter letter) => Write(letter.ShopName, AdminInvitationEmail.Subject(letter), text => text
        .Line($"A colleague invited you to run {letter.ShopName} with them. Open the link below to choose your password, then to set up two-factor sign-in with an authenticator app: each step works once, and the link is the only way to take the second. It works for {letter.ValidHours} hours.")
        .AppendLine()
        .Line($"Accept the invitation: {letter.Link}")
        .AppendLine()
        .AppendLine("If you did not expect this, ignore this message: nothing happens without the link."));

    public static string PasswordReset(LinkLetter letter) => Write(letter.ShopName, PasswordResetEmail.Subject(letter), text => text
        .Line($"Someone asked to reset the password of your {letter.ShopName} admin account. Open the link below to choose a new one; it works once, for {letter.ValidHours} hours.")
        .AppendLine()
        .Line($"Choose a new password: {letter.Link}")
        .AppendLine()
        .AppendLine("If it was not you, ignore this message: your password stays as it is."));

    private static string Summary(OrderLetter letter)
    {
        var text = new StringBuilder().Line($"Order {letter.OrderReference}");
        foreach (var line in letter.Lines)
        {
            text.Line($"  {line.Quantity} x {line.ProductName} ({line.UnitPrice} each): {line.LineTotal}");
        }

        text.Line($"  Subtotal: {letter.Subtotal}").Line($"  Shipping: {letter.Shipping}").Line($"  Total: {letter.Total}");
        foreach (var (rate, vat) in letter.VatIncluded)
        {
            text.Line($"  Includes VAT {rate}: {vat}");
        }

        if (letter.ShipTo is { } to)
        {
            text.AppendLine().AppendLine("Shipping to").Line($"  {to.Name}").Line($"  {to.Line1}");
            if (!string.IsNullOrEmpty(to.Line2))
            {
                text.Line($"  {to.Line2}");
            }

            text.Line($"  {to.PostalCode} {to.City}").Line($"  {Domain.Countries.Name(to.Country)}");
        }

        return text.AppendLine().ToString();
    }

    /// <summary>A line of text (the figures in it are formatted already, by <see cref="Domain.Money"/>).</summary>
    private static StringBuilder Line(this StringBuilder text, string line) => text.AppendLine(line);

    private static string Write(string shopName, string title, Func<StringBuilder, StringBuilder> body)
    {
        var text = new StringBuilder().AppendLine(shopName).AppendLine().AppendLine(title).AppendLine(new string('=', Math.Min(title.Length, 60))).AppendLine();
        body(text);
        return text.AppendLine().Line($"{shopName} · Reply to this email if something is not right.").ToString();
    }
}
