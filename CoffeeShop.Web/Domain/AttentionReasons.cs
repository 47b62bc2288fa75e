namespace CoffeeShop.Web.Domain;

/// <summary>Why money sits in <see cref="PaymentStatus.NeedsAttention"/>: the start of the record's attention reason.</summary>
public static class AttentionReasons
{
    /// <summary>Money arrived for an order that was already paid by another attempt, or abandoned.</summary>
    public const string DuplicatePayment = "Duplicate payment";

    /// <summary>Money arrived after the attempt's stock was given back, and the bags are gone.</summary>
    public const string PaidButOutOfStock = "Paid but out of stock";

    public static bool IsDuplicatePayment(string? reason) =>
        reason is not null && reason.StartsWith(DuplicatePayment, StringComparison.Ordinal);
}
