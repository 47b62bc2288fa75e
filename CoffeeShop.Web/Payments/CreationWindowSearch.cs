namespace CoffeeShop.Web.Payments;

/// <summary>What a read of a creation window found: the attempt's PaymentIntent, or none after reading the whole window (<see cref="Complete"/>).</summary>
public sealed record CreationWindowSearch(PaymentIntentSnapshot? Found, bool Complete)
{
    public bool ProvesAbsence => Found is null && Complete;
}
