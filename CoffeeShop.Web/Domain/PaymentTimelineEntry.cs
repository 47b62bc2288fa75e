namespace CoffeeShop.Web.Domain;

/// <summary>One line in a payment's history: who said what, and whether it changed the status.</summary>
public class PaymentTimelineEntry
{
    public long Id { get; set; }
    public long PaymentRecordId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Source { get; set; }
    public PaymentStatus? FromStatus { get; set; }
    public PaymentStatus? ToStatus { get; set; }
    public required string Note { get; set; }
}
