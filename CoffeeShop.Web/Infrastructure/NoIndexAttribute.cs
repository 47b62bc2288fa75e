namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page that must stay out of search results (a cart, a checkout, an order, the admin's and account pages):
/// its responses carry <c>X-Robots-Tag: noindex</c>, the layout adds <c>&lt;meta name="robots" content="noindex"&gt;</c>,
/// and robots.txt disallows its first path segment. On the page class, or by folder convention (the admin pages).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoIndexAttribute : Attribute
{
    public const string Header = "X-Robots-Tag";
    public const string Value = "noindex";

    public static bool IsOn(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<NoIndexAttribute>() is not null;

    /// <summary>After routing: the header on every response of a marked page, error answers included.</summary>
    public static IApplicationBuilder UseNoIndexHeader(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (IsOn(context.GetEndpoint()))
        {
            context.Response.Headers[Header] = Value;
        }

        return next(context);
    });
}
