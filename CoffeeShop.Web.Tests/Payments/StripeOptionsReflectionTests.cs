using System.Reflection;
using System.Runtime.CompilerServices;
using CoffeeShop.Web.Payments.Stripe;
using Stripe;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// Stripe.net reads the options of every request by reflection; .NET drops a type's reflection data at a
/// garbage collection unless something holds it, and the next request compiles its getters' invoke stubs again.
/// </summary>
public class StripeOptionsReflectionTests
{
    [Fact]
    public void OptionsTheGatewaySends_KeepTheirReflectionDataThroughAFullCollection()
    {
        Assert.Equal(StripeOptionsReflection.Sent.Count, StripeOptionsReflection.TypesHeld);
        var held = StripeOptionsReflection.Sent.Select(WeakPropertyOf).ToList();
        // A type the shop never sends: nothing holds its data, so it must go (else this test proves nothing).
        var notHeld = WeakPropertyOf(typeof(CustomerCreateOptions));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(notHeld.IsAlive);
        Assert.All(held, property => Assert.True(property.IsAlive));
    }

    [Fact]
    public void EveryOptionsTypeTheGatewayCreates_IsHeld()
    {
        // Read from the gateway's compiled code (its async methods' state machines included): every `new` of
        // a Stripe options type. One added to the gateway but not to the list would be rebuilt after each GC.
        var created = OptionsTypesCreatedBy(typeof(StripePaymentGateway));

        Assert.Contains(typeof(PaymentIntentCreateOptions), created);
        Assert.Empty(created.Except(StripeOptionsReflection.Sent));
    }

    private static HashSet<Type> OptionsTypesCreatedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        const byte newobj = 0x73;
        var found = new HashSet<Type>();
        foreach (var method in new[] { type }.Concat(type.GetNestedTypes(all)).SelectMany(t => t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all))))
        {
            var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
            for (var i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] != newobj) continue;
                MethodBase? constructor;
                try { constructor = method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1)); }
                catch (ArgumentException) { continue; } // an operand byte that only looks like newobj
                if (constructor?.DeclaringType is { } created && typeof(INestedOptions).IsAssignableFrom(created))
                {
                    found.Add(created);
                }
            }
        }
        return found;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakPropertyOf(Type type) => new(type.GetProperties()[0]);
}
