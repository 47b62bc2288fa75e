namespace CoffeeShop.Web.Payments;

/// <summary>The provider could not be asked (no answer, an error on its side): try again later.</summary>
public sealed class PaymentProviderException(string message, Exception inner) : Exception(message, inner);
