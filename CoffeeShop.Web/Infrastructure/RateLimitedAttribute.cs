namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// On a page handler method: each client's calls of this handler count against the named policy of
/// <see cref="RateLimits"/>, whichever route or query string reached the page. Other handlers of the
/// same page (its GET among them) are not limited by it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitedAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}
