namespace CoffeeShop.Web.Payments;

/// <summary>What a customer reads when a card is refused: the reason in plain words, never Stripe's raw text.</summary>
public static class DeclineMessages
{
    public static string For(string? code) => code switch
    {
        "insufficient_funds" => "Your card has insufficient funds. Please use a different card.",
        "expired_card" => "Your card has expired. Please check the expiry date or use a different card.",
        "incorrect_cvc" or "invalid_cvc" => "The card's security code (CVC) is incorrect. Please check it and try again.",
        "processing_error" => "We could not process your card just now. Please try again in a moment.",
        "incorrect_number" or "invalid_number" => "The card number is incorrect. Please check it and try again.",
        "payment_intent_authentication_failure" or "authentication_required" =>
            "Your bank could not confirm the payment (3-D Secure). Please try again or use a different card.",
        "resource_missing" or "invalid_request" => "Your payment details could not be used. Please enter them again.",
        "canceled" => "The payment was canceled. Please try again.",
        _ => "Your card was declined. Please use a different card or contact your bank.",
    };
}
