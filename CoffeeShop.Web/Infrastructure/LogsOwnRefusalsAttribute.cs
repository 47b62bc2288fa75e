namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// On an endpoint that logs its own refusals, sampled (the Stripe webhook, which anyone can post to): the
/// request log writes its 4xx answers at Debug, so a flood of refused requests cannot fill the logs through
/// the request log either.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class LogsOwnRefusalsAttribute : Attribute;
