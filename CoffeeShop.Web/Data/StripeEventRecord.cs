namespace CoffeeShop.Web.Data;

/// <summary>A webhook event as received: its id is the key that makes redelivery harmless.</summary>
public class StripeEventRecord
{
    public required string Id { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Payload { get; set; }
    public long? PaymentRecordId { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>When a delivery began processing it; a concurrent delivery of the same event then stands back.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    public string? Outcome { get; set; }
}
