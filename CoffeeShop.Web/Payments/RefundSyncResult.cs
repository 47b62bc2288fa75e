using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>What a re-sync learnt of a payment's refunds.</summary>
/// <param name="AtStripe">Refunds Stripe lists for the PaymentIntent.</param>
/// <param name="StillRequested">Refunds the shop asked for that Stripe does not list (yet): left for an admin to see, never called failed.</param>
public sealed record RefundSyncResult(int AtStripe, int StillRequested);
