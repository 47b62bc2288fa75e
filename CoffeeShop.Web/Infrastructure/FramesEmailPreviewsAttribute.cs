namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page that shows <see cref="EmailPreviewDocumentAttribute"/> pages in frames: its Content-Security-Policy
/// allows frames from the shop itself (and nowhere else); everything else is the shop's default policy.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FramesEmailPreviewsAttribute : Attribute;
