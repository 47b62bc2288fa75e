namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// The confirmation token ids the fake understands: <c>ctoken_</c> + a Stripe test PaymentMethod
/// name. Post one as the checkout's token to choose what the "customer's card" does.
/// </summary>
public static class ConfirmationTokens
{
    public const string Visa = "ctoken_pm_card_visa";
    public const string Mastercard = "ctoken_pm_card_mastercard";
    public const string Declined = "ctoken_pm_card_visa_chargeDeclined";
    public const string InsufficientFunds = "ctoken_pm_card_visa_chargeDeclinedInsufficientFunds";
    public const string ExpiredCard = "ctoken_pm_card_chargeDeclinedExpiredCard";
    public const string IncorrectCvc = "ctoken_pm_card_chargeDeclinedIncorrectCvc";
    public const string ProcessingError = "ctoken_pm_card_chargeDeclinedProcessingError";
    public const string ThreeDSecure2Required = "ctoken_pm_card_threeDSecure2Required";
    public const string AuthenticationRequired = "ctoken_pm_card_authenticationRequired";
    public const string AuthenticationRequiredRedirect = "ctoken_pm_card_authenticationRequired_redirect";
    public const string Dispute = "ctoken_pm_card_createDispute";
    public const string Processing = "ctoken_test_processing";
}
