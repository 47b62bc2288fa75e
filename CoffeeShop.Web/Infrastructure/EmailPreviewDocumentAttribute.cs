namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page that answers with an email's HTML as a document of its own, for a sandboxed frame of the
/// shop's pages: inline styles (as email clients need them) and nothing else, no script at all, framed only
/// by the shop itself.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EmailPreviewDocumentAttribute : Attribute;
