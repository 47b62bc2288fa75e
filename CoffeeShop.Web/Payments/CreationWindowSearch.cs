namespace CoffeeShop.Web.Payments;

/// <summary>One payment attempt of an order, as its PaymentIntent's metadata names it (<c>order_id</c>, <c>attempt</c>).</summary>
public readonly record struct PaymentAttemptKey(long OrderId, int Attempt);

/// <summary>
/// What a read of a creation window found: the PaymentIntents of the attempts it was asked about, and
/// whether the whole window was read (<see cref="Complete"/>). Only a complete read proves that Stripe
/// never received an attempt it did not find.
/// </summary>
public sealed record CreationWindowSearch(IReadOnlyDictionary<PaymentAttemptKey, PaymentIntentSnapshot> Found, bool Complete)
{
    public PaymentIntentSnapshot? For(PaymentAttemptKey attempt) => Found.GetValueOrDefault(attempt);

    public bool ProvesAbsenceOf(PaymentAttemptKey attempt) => Complete && !Found.ContainsKey(attempt);
}
