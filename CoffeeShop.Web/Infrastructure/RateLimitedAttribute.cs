namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// On a page handler method: each client's calls of this handler count against the named policy of
/// <see cref="RateLimits"/>, whichever route or query string reached the page. Other handlers of the
/// same page (its GET among them) are not limited by it. A handler may carry several (per client and per
/// cart, say): a call must fit in every one of them.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RateLimitedAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}
