using System.Globalization;
using CoffeeShop.Web.Domain;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// The admin's view of payment records, all in the query string so a view can be bookmarked:
/// statuses, a date range in the shop's time zone, a search (email, order reference, pi_…),
/// "needs attention" (unresolved NeedsAttention, disputes, payments stuck unsettled), and a keyset cursor (never OFFSET).
/// </summary>
public sealed class PaymentFilter : System.ComponentModel.DataAnnotations.IValidatableObject
{
    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2999, 12, 31);

    public const int PageSize = 50;

    public List<PaymentStatus> Status { get; set; } = [];
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public string? Q { get; set; }
    public bool Attention { get; set; }

    /// <summary>Older than this cursor (the next page down).</summary>
    public string? Before { get; set; }

    /// <summary>Newer than this cursor (the page above).</summary>
    public string? After { get; set; }

    public bool HasDateRange => From is not null || To is not null;

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        foreach (var (date, name) in new[] { (From, nameof(From)), (To, nameof(To)) })
        {
            if (date is { } d && (d < Earliest || d > Latest))
            {
                yield return new($"Choose a date between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.", [name]);
            }
        }

        if (Q?.Any(char.IsControl) == true)
        {
            yield return new("The search cannot contain control characters.", [nameof(Q)]);
        }
    }

    public bool IsEmpty => Status.Count == 0 && !HasDateRange && string.IsNullOrWhiteSpace(Q) && !Attention;

    /// <summary>The filtered records, without paging.</summary>
    public IQueryable<PaymentRecord> Apply(IQueryable<PaymentRecord> records, TimeZoneInfo zone, DateTimeOffset stuckBefore)
    {
        if (Status.Count > 0)
        {
            var statuses = Status.Distinct().ToList();
            records = records.Where(p => statuses.Contains(p.Status));
        }

        if (From is { } from)
        {
            var start = StartOfDay(from, zone);
            records = records.Where(p => p.CreatedAt >= start);
        }

        if (To is { } to)
        {
            var end = StartOfDay(to.AddDays(1), zone);
            records = records.Where(p => p.CreatedAt < end);
        }

        if (Attention)
        {
            var unsettled = PaymentStatusRules.Unsettled;
            // A NeedsAttention item an admin has marked resolved no longer asks for anyone.
            records = records.Where(p => (p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null) || p.Status == PaymentStatus.Disputed
                || (unsettled.Contains(p.Status) && p.UpdatedAt < stuckBefore));
        }

        var q = Q?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            if (q.StartsWith("pi_", StringComparison.Ordinal))
            {
                records = records.Where(p => p.PaymentIntentId == q);
            }
            else if (Order.TryParseReference(q, out var orderId)
                || long.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out orderId))
            {
                records = records.Where(p => p.OrderId == orderId);
            }
            else
            {
                var email = q.ToLowerInvariant();
                records = records.Where(p => p.CustomerEmail == email);
            }
        }

        return records;
    }

    /// <summary>One page, newest first, from the cursor; answers whether more lie beyond each end.</summary>
    public async Task<(List<PaymentRecord> Rows, bool HasOlder, bool HasNewer)> PageAsync(IQueryable<PaymentRecord> filtered, CancellationToken cancellationToken)
    {
        if (TryParseCursor(After, out var afterAt, out var afterId))
        {
            var newer = await filtered
                .Where(p => EF.Functions.GreaterThan(ValueTuple.Create(p.CreatedAt, p.Id), ValueTuple.Create(afterAt, afterId)))
                .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
                .Take(PageSize + 1).ToListAsync(cancellationToken);
            var hasNewer = newer.Count > PageSize;
            var rows = newer.Take(PageSize).Reverse().ToList();
            return (rows, true, hasNewer);
        }

        var page = filtered;
        var fromCursor = TryParseCursor(Before, out var beforeAt, out var beforeId);
        if (fromCursor)
        {
            page = page.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.CreatedAt, p.Id), ValueTuple.Create(beforeAt, beforeId)));
        }

        var older = await page.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Take(PageSize + 1).ToListAsync(cancellationToken);
        return (older.Take(PageSize).ToList(), older.Count > PageSize, fromCursor);
    }

    public static string Cursor(PaymentRecord row) =>
        string.Create(CultureInfo.InvariantCulture, $"{(row.CreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}_{row.Id}");

    public static bool TryParseCursor(string? cursor, out DateTimeOffset at, out long id)
    {
        at = default;
        id = 0;
        var parts = cursor?.Split('_');
        if (parts is not [var micros, var rowId]
            || !long.TryParse(micros, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || !long.TryParse(rowId, NumberStyles.None, CultureInfo.InvariantCulture, out id)
            || value > 253402300799999999)
        {
            return false;
        }

        at = DateTimeOffset.UnixEpoch.AddTicks(value * 10);
        return true;
    }

    /// <summary>This filter as route values (with another cursor, for the newer/older links), for the link generator.</summary>
    public RouteValueDictionary RouteValues(string? before = null, string? after = null)
    {
        var values = new RouteValueDictionary();
        if (Status.Count > 0)
        {
            values["status"] = Status.Distinct().Select(s => s.ToString()).ToArray();
        }

        values["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        values["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        values["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        values["attention"] = Attention ? "true" : null;
        values["before"] = before;
        values["after"] = after;
        return values;
    }

    private static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
