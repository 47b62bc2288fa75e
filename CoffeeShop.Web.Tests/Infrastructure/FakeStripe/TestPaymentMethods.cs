namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

internal enum ConfirmationOutcome
{
    Succeeds,
    Declines,
    RequiresStripeSdkAction,
    RequiresRedirect,
    Processing,
}

/// <summary>What confirming with one test payment method does, and with which card.</summary>
internal sealed record TestPaymentMethod(
    string Name,
    FakeCard Card,
    ConfirmationOutcome Outcome,
    string? Code = null,
    string? DeclineCode = null,
    string? Message = null);

/// <summary>
/// Stripe's test PaymentMethods (DESIGN.md, "Stripe test values"). The checkout posts a
/// confirmation token; in tests its id is <c>ctoken_</c> + the PaymentMethod name, so a test says
/// which card the customer "typed". A test <c>pm_…</c> name passed as <c>payment_method</c> works too.
/// </summary>
internal static class TestPaymentMethods
{
    public const string TokenPrefix = "ctoken_";

    private static readonly FakeCard Visa4242 = new("visa", "4242");

    private static readonly Dictionary<string, TestPaymentMethod> ByName = new[]
    {
        new TestPaymentMethod("pm_card_visa", Visa4242, ConfirmationOutcome.Succeeds),
        new TestPaymentMethod("pm_card_mastercard", new FakeCard("mastercard", "4444"), ConfirmationOutcome.Succeeds),
        new TestPaymentMethod("pm_card_visa_chargeDeclined", new FakeCard("visa", "0002"), ConfirmationOutcome.Declines,
            "card_declined", "generic_decline", "Your card was declined."),
        new TestPaymentMethod("pm_card_visa_chargeDeclinedInsufficientFunds", new FakeCard("visa", "9995"), ConfirmationOutcome.Declines,
            "card_declined", "insufficient_funds", "Your card has insufficient funds."),
        new TestPaymentMethod("pm_card_chargeDeclinedExpiredCard", new FakeCard("visa", "0069"), ConfirmationOutcome.Declines,
            "expired_card", "expired_card", "Your card has expired."),
        new TestPaymentMethod("pm_card_chargeDeclinedIncorrectCvc", new FakeCard("visa", "0127"), ConfirmationOutcome.Declines,
            "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        new TestPaymentMethod("pm_card_chargeDeclinedProcessingError", new FakeCard("visa", "0119"), ConfirmationOutcome.Declines,
            "processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."),
        new TestPaymentMethod("pm_card_threeDSecure2Required", new FakeCard("visa", "3220"), ConfirmationOutcome.RequiresStripeSdkAction),
        new TestPaymentMethod("pm_card_authenticationRequired", new FakeCard("visa", "3184"), ConfirmationOutcome.RequiresStripeSdkAction),
        // Not a Stripe name: Stripe decides per browser whether 3-D Secure runs in the SDK or by redirect;
        // the fake lets the test choose the redirect flow.
        new TestPaymentMethod("pm_card_authenticationRequired_redirect", new FakeCard("visa", "3184"), ConfirmationOutcome.RequiresRedirect),
        new TestPaymentMethod("pm_card_createDispute", new FakeCard("visa", "0259"), ConfirmationOutcome.Succeeds),
        // Not a Stripe name: cards settle at once on Stripe; this one stays "processing" until the test settles it.
        new TestPaymentMethod("test_processing", Visa4242, ConfirmationOutcome.Processing),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static TestPaymentMethod? FromConfirmationToken(string token) =>
        token.StartsWith(TokenPrefix, StringComparison.Ordinal)
            ? ByName.GetValueOrDefault(token[TokenPrefix.Length..])
            : null;

    public static TestPaymentMethod? FromPaymentMethod(string paymentMethod) =>
        ByName.GetValueOrDefault(paymentMethod);
}
