using Microsoft.AspNetCore.Mvc.Filters;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// <c>Cache-Control: no-store</c> on every response of the pages it marks, set before the handler runs so a
/// streamed download (a CSV export) carries it too: pages with customers' names, addresses and payments, or an
/// admin's account, must stay in no browser cache or shared proxy.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoStoreAttribute : Attribute, IResourceFilter
{
    public const string CacheControl = "no-store";

    public void OnResourceExecuting(ResourceExecutingContext context) =>
        context.HttpContext.Response.Headers.CacheControl = CacheControl;

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
