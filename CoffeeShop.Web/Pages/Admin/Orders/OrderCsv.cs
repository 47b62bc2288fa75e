using CoffeeShop.Web.Domain;
using CsvHelper;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>
/// The carrier's bulk-upload export of the desk's current view: one row per order, RFC 4180 through
/// CsvHelper, ISO 8601 UTC times, totals in major units beside their currency, and CsvHelper's injection
/// escaping so a cell starting with = + - @ tab or CR is never run as a spreadsheet formula. Rows are
/// written as they are read from the database: memory stays flat however many orders there are.
/// </summary>
public static class OrderCsv
{
    /// <summary>
    /// The one query of the export, for the default view (all paid orders) as EF Core sends it; a view or a
    /// search only adds conditions to the WHERE. <c>OrderCsvTests</c> checks this text against the query, so
    /// it stays the SELECT to compare with <c>psql \copy (SELECT …) TO STDOUT CSV</c>.
    /// </summary>
    public const string DefaultSelect = """
        SELECT o.id, o.ship_name, o.ship_line1, o.ship_line2, o.ship_postal_code, o.ship_city, o.ship_country, o.ship_phone, o.email, o.fulfilment, o.paid_at, o.total_minor, o.currency
        FROM orders AS o
        WHERE o.fulfilment IS NOT NULL
        ORDER BY o.paid_at DESC, o.id DESC
        """;

    /// <summary>Only the exported columns, so the export reads and materializes nothing else.</summary>
    public sealed record Row(long Id, string? ShipName, string? ShipLine1, string? ShipLine2, string? ShipPostalCode, string? ShipCity,
        string? ShipCountry, string? ShipPhone, string Email, FulfilmentStatus? Fulfilment, DateTimeOffset? PaidAt, long TotalMinor, string Currency);

    public static IQueryable<Row> Project(IQueryable<Order> filtered) => filtered
        .OrderByDescending(o => o.PaidAt).ThenByDescending(o => o.Id)
        .Select(o => new Row(o.Id, o.ShipName, o.ShipLine1, o.ShipLine2, o.ShipPostalCode, o.ShipCity, o.ShipCountry, o.ShipPhone, o.Email,
            o.Fulfilment, o.PaidAt, o.TotalMinor, o.Currency));

    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public static readonly string[] Header =
    [
        "Reference", "Name", "Address line 1", "Address line 2", "Postal code", "City", "Country", "Phone", "Email",
        "Fulfilment", "Paid at", "Total", "Currency",
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
            csv.WriteField(Order.FormatReference(row.Id));
            csv.WriteField(row.ShipName);
            csv.WriteField(row.ShipLine1);
            csv.WriteField(row.ShipLine2);
            csv.WriteField(row.ShipPostalCode);
            csv.WriteField(row.ShipCity);
            csv.WriteField(row.ShipCountry);
            csv.WriteField(row.ShipPhone);
            csv.WriteField(row.Email);
            csv.WriteField(row.Fulfilment?.ToString());
            csv.WriteField(row.PaidAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            csv.WriteField(new Money(row.TotalMinor, row.Currency).ToMajorString());
            csv.WriteField(row.Currency);
            // Writes to the response whenever its buffer is mostly full.
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
