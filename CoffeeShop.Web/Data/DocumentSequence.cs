namespace CoffeeShop.Web.Data;

/// <summary>
/// A gap-free numbering (invoices, credit notes): the last number given. Triggers take a number by
/// incrementing the row inside the transaction that makes the document (an order becoming Paid, a refund
/// becoming succeeded), so a rollback gives it back and two transactions take numbers one after the
/// other; the shop's code never writes a number (ADR 0013).
/// </summary>
public class DocumentSequence
{
    public const string Invoice = "invoice";
    public const string CreditNote = "credit_note";

    public required string Name { get; set; }
    public long LastNumber { get; set; }
}
