using System.Reflection;
using Stripe;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// Keeps .NET's reflection data of the Stripe request options the shop sends for the life of the process.
/// </summary>
/// <remarks>
/// Stripe.net form-encodes every request by reading each property of its options object through
/// reflection, asking the type for its properties anew each time. .NET keeps a type's reflection data (its
/// PropertyInfo objects, and the invoke stub each getter compiles on its second use) behind a weak handle:
/// once a garbage collection finds nothing holding it, it is dropped, and the next request builds it again,
/// emitting and JIT-compiling one stub per getter. On a shop whose requests do not overlap, that was every
/// checkout: about 45 methods compiled per PaymentIntent created, ~110 JIT compilations a second during the
/// fault soak, and JIT-compiled code that kept growing. Holding one PropertyInfo of each type holds the whole
/// type's data (each PropertyInfo references it), so the stubs are compiled once.
/// </remarks>
public static class StripeOptionsReflection
{
    /// <summary>Every options type <see cref="StripePaymentGateway"/> creates, with the types it inherits.</summary>
    public static readonly IReadOnlyList<Type> Sent =
    [
        typeof(PaymentIntentCreateOptions), typeof(PaymentIntentAutomaticPaymentMethodsOptions),
        typeof(ChargeShippingOptions), typeof(AddressOptions),
        typeof(PaymentIntentGetOptions), typeof(PaymentIntentCancelOptions),
        typeof(PaymentIntentListOptions), typeof(DateRangeOptions), typeof(PaymentIntentSearchOptions),
        typeof(RefundCreateOptions), typeof(RefundListOptions),
    ];

    private static readonly PropertyInfo[][] Held = [.. Sent.Select(type => type.GetProperties())];

    /// <summary>Touching this makes sure the data is held; the gateway does so when it is first used.</summary>
    public static int TypesHeld => Held.Length;
}
