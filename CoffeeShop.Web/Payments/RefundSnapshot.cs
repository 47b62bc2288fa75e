using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>A refund as Stripe reports it; <see cref="ShopRefundId"/> is set when the shop asked for it.</summary>
public sealed record RefundSnapshot(string StripeRefundId, long Amount, string Currency, string Status, string? Reason, Guid? ShopRefundId, string? FailureMessage = null)
{
    /// <summary>Stripe counts pending refunds in a charge's refunded amount; so does the shop.</summary>
    public bool Counts => Status is "succeeded" or "pending";
}
