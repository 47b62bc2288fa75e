using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>What phase 1 of a checkout decided: an attempt to send to Stripe, or an answer without one.</summary>
public abstract record BeganAttempt
{
    private BeganAttempt()
    {
    }

    /// <summary>A Pending attempt is committed, its stock held: call Stripe with its key.</summary>
    public sealed record Started(Order Order, PaymentRecord Record) : BeganAttempt;

    /// <summary>No attempt begun; the checkout answers this outcome.</summary>
    public sealed record Answered(CheckoutOutcome Outcome) : BeganAttempt;

    /// <summary>The cart's live order still has an attempt waiting for the customer at Stripe; it must be canceled first.</summary>
    public sealed record MustCancel(Order Order, PaymentRecord Waiting) : BeganAttempt;
}
