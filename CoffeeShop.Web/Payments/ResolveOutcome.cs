namespace CoffeeShop.Web.Payments;

public sealed record ResolveOutcome(bool Resolved, string Message);
