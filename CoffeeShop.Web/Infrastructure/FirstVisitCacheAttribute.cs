namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page whose first-visit rendering (a request without any cookie) is shared between
/// visitors by <see cref="FirstVisitPageCacheMiddleware"/>, with a fresh antiforgery token put into each copy.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FirstVisitCacheAttribute : Attribute;
