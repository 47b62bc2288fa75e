namespace CoffeeShop.Web.Payments.Simulated;

/// <summary>
/// The outcomes a developer can choose in simulated mode, named after Stripe's test cards and
/// PaymentMethods so that what works here reads the same as what Stripe test mode does.
/// The id is the confirmation token the form posts, as Stripe.js would post a real one.
/// </summary>
public sealed record SimulatedScenario(string Id, string Label, string TestCard, string Outcome, string? DeclineCode, string Message)
{
    public static readonly IReadOnlyList<SimulatedScenario> All =
    [
        new("ctoken_pm_card_visa", "Payment succeeds", "4242 4242 4242 4242", "succeeded", null, ""),
        new("ctoken_pm_card_visa_chargeDeclined", "Card declined", "4000 0000 0000 0002", "declined", "generic_decline", "Your card was declined."),
        new("ctoken_pm_card_visa_chargeDeclinedInsufficientFunds", "Insufficient funds", "4000 0000 0000 9995", "declined", "insufficient_funds", "Your card has insufficient funds."),
        new("ctoken_pm_card_chargeDeclinedExpiredCard", "Expired card", "4000 0000 0000 0069", "declined", "expired_card", "Your card has expired."),
        new("ctoken_pm_card_chargeDeclinedIncorrectCvc", "Incorrect CVC", "4000 0000 0000 0127", "declined", "incorrect_cvc", "Your card's security code is incorrect."),
        new("ctoken_pm_card_chargeDeclinedProcessingError", "Processing error", "4000 0000 0000 0119", "declined", "processing_error", "An error occurred while processing your card."),
        new("ctoken_pm_card_authenticationRequired_redirect", "Requires authentication (3-D Secure)", "4000 0027 6000 3184", "requires_action", null, ""),
    ];

    public static SimulatedScenario? Find(string? id) => All.FirstOrDefault(s => s.Id == id);
}
