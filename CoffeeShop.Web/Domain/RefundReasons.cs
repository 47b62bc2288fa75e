namespace CoffeeShop.Web.Domain;

/// <summary>The reasons Stripe takes on a refund: the admin's form offers exactly these and accepts no other.</summary>
public static class RefundReasons
{
    public const string RequestedByCustomer = "requested_by_customer";
    public const string Duplicate = "duplicate";
    public const string Fraudulent = "fraudulent";

    public static IReadOnlyList<string> All { get; } = [RequestedByCustomer, Duplicate, Fraudulent];

    public static bool IsKnown(string reason) => All.Contains(reason, StringComparer.Ordinal);
}
