using System.Reflection;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>Endpoint metadata of a page: the rate-limit policy of each of its handlers that has one.</summary>
public sealed class HandlerRateLimits(IReadOnlyDictionary<MethodInfo, string> policies)
{
    public IReadOnlyDictionary<MethodInfo, string> Policies { get; } = policies;

    public string? PolicyOf(MethodInfo handler) => Policies.GetValueOrDefault(handler);
}
