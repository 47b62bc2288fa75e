namespace CoffeeShop.Web.Infrastructure;

/// <summary>Marks a page that loads Stripe.js: only such pages get Stripe's hosts in their Content-Security-Policy.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LoadsStripeJsAttribute : Attribute;
