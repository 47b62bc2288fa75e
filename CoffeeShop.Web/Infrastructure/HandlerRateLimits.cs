using System.Reflection;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>Endpoint metadata of a page: the rate-limit policies of each of its handlers that has any, in the order they are taken.</summary>
public sealed class HandlerRateLimits(IReadOnlyDictionary<MethodInfo, IReadOnlyList<string>> policies)
{
    public IReadOnlyDictionary<MethodInfo, IReadOnlyList<string>> Policies { get; } = policies;

    public IReadOnlyList<string> PoliciesOf(MethodInfo handler) => Policies.GetValueOrDefault(handler) ?? [];
}
