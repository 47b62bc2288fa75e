using System.Globalization;
using CoffeeShop.Web.Domain;
using CsvHelper;

namespace CoffeeShop.Web.Pages.Admin.Payments;

/// <summary>
/// The accounting export: RFC 4180 through CsvHelper, ISO 8601 UTC times, amounts in major units
/// beside their currency, and CsvHelper's injection escaping so a cell starting with = + - @ is
/// never run as a spreadsheet formula. Rows are written as they are read: memory stays flat.
/// </summary>
public static class PaymentCsv
{
    /// <summary>Only the exported columns, so the export reads and materializes nothing else.</summary>
    public sealed record Row(DateTimeOffset CreatedAt, long OrderId, string CustomerEmail, string ItemsSummary, long AmountMinor,
        long RefundedMinor, string Currency, PaymentStatus Status, string? CardBrand, string? CardLast4, string? PaymentIntentId,
        string? FailureCode, int Attempt);

    public static IQueryable<Row> Project(IQueryable<PaymentRecord> records) => records.Select(p => new Row(
        p.CreatedAt, p.OrderId, p.CustomerEmail, p.ItemsSummary, p.AmountMinor, p.RefundedMinor, p.Currency, p.Status,
        p.CardBrand, p.CardLast4, p.PaymentIntentId, p.FailureCode, p.Attempt));

    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public static readonly string[] Header =
    [
        "created_at_utc", "order_reference", "customer_email", "items", "amount", "refunded", "currency",
        "status", "card_brand", "card_last4", "payment_intent_id", "failure_code", "attempt",
    ];

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        foreach (var column in Header)
        {
            csv.WriteField(column);
        }

        await csv.EndRecordAsync(cancellationToken);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            csv.WriteField(row.CreatedAt.UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
            csv.WriteField(Order.FormatReference(row.OrderId));
            csv.WriteField(row.CustomerEmail);
            csv.WriteField(row.ItemsSummary);
            csv.WriteField(new Money(row.AmountMinor, row.Currency).ToMajorString());
            csv.WriteField(new Money(row.RefundedMinor, row.Currency).ToMajorString());
            csv.WriteField(row.Currency);
            csv.WriteField(row.Status.ToString());
            csv.WriteField(row.CardBrand);
            csv.WriteField(row.CardLast4);
            csv.WriteField(row.PaymentIntentId);
            csv.WriteField(row.FailureCode);
            csv.WriteField(row.Attempt.ToString(CultureInfo.InvariantCulture));
            // Writes to the response whenever its buffer is mostly full: memory stays flat.
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
