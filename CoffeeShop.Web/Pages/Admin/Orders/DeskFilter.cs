using CoffeeShop.Web.Data;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>
/// The orders desk's view, all in the query string so it can be bookmarked: <c>show</c> (one of
/// <see cref="DeskView"/>, default all paid), <c>q</c> (an order reference CS-000123, an email, a postal
/// code — any search with a digit — or else the start of a name) and a keyset cursor, <c>before</c> or <c>after</c>, written
/// <c>{unix microseconds of paid_at}_{id}</c> as on the payments list. Newest paid first, never OFFSET.
/// </summary>
public sealed class DeskFilter : IValidatableObject
{
    public const int PageSize = 50;
    public const int MaxSearchLength = 200;

    public DeskView Show { get; set; }
    public string? Q { get; set; }

    /// <summary>Paid before this cursor (the next page down).</summary>
    public string? Before { get; set; }

    /// <summary>Paid after this cursor (the page above).</summary>
    public string? After { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Show))
        {
            yield return new("Choose one of the filters.", [nameof(Show)]);
        }

        if (Q?.Length > MaxSearchLength)
        {
            yield return new($"Keep the search to {MaxSearchLength} characters.", [nameof(Q)]);
        }

        if (Q?.Any(char.IsControl) == true)
        {
            yield return new("The search cannot contain control characters.", [nameof(Q)]);
        }
    }

    public bool IsEmpty => Show == DeskView.All && string.IsNullOrWhiteSpace(Q);

    /// <summary>
    /// A search by the start of a name. PostgreSQL cannot estimate how many names start so, and would walk
    /// every paid order newest first looking for a rare one; ordered by an expression that index does not
    /// hold, the page is read through the name index and sorted, which is quick for any real name.
    /// </summary>
    private bool SearchesByName => Q?.Trim() is { Length: > 0 } q && !q.Any(char.IsAsciiDigit) && !q.Contains('@', StringComparison.Ordinal)
        && !Order.TryParseReference(q, out _);

    private IOrderedQueryable<Order> NewestFirst(IQueryable<Order> orders) => SearchesByName
        ? orders.OrderByDescending(o => o.PaidAt ?? o.CreatedAt).ThenByDescending(o => o.Id)
        : orders.OrderByDescending(o => o.PaidAt).ThenByDescending(o => o.Id);

    private IOrderedQueryable<Order> OldestFirst(IQueryable<Order> orders) => SearchesByName
        ? orders.OrderBy(o => o.PaidAt ?? o.CreatedAt).ThenBy(o => o.Id)
        : orders.OrderBy(o => o.PaidAt).ThenBy(o => o.Id);

    /// <summary>The fulfilment status a view shows, or null for all paid orders and for needs attention.</summary>
    public static FulfilmentStatus? StatusOf(DeskView view) => view switch
    {
        DeskView.ToPack => FulfilmentStatus.ToPack,
        DeskView.Packed => FulfilmentStatus.Packed,
        DeskView.Shipped => FulfilmentStatus.Shipped,
        DeskView.Delivered => FulfilmentStatus.Delivered,
        DeskView.Canceled => FulfilmentStatus.Canceled,
        _ => null,
    };

    /// <summary>
    /// The paid orders of this view and search, unpaged. "All" reads ix_orders_desk_paid_at, a status
    /// ix_orders_desk_fulfilment_paid_at; needs attention starts from payment_records' (status, …) index.
    /// </summary>
    public IQueryable<Order> Apply(IQueryable<Order> orders, IQueryable<PaymentRecord> payments)
    {
        // Both desk indexes are partial on this condition: it stays in every query so the planner may use them.
        orders = orders.Where(o => o.Fulfilment != null);
        if (StatusOf(Show) is { } status)
        {
            orders = orders.Where(o => o.Fulfilment == status);
        }
        else if (Show == DeskView.NeedsAttention)
        {
            var attention = payments.Where(p => p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null).Select(p => p.OrderId);
            orders = orders.Where(o => attention.Contains(o.Id));
        }

        var q = Q?.Trim();
        if (string.IsNullOrEmpty(q))
        {
            return orders;
        }

        if (Order.TryParseReference(q, out var orderId))
        {
            return orders.Where(o => o.Id == orderId);
        }

        if (q.Contains('@', StringComparison.Ordinal))
        {
            // Emails are stored lower-case: an exact match on ix_orders_email.
            var email = q.ToLowerInvariant();
            return orders.Where(o => o.Email == email);
        }

        if (q.Any(char.IsAsciiDigit))
        {
            // Postal codes have digits, names do not: stored upper-case, an exact match on ix_orders_ship_postal_code.
            var postalCode = q.ToUpperInvariant();
            return orders.Where(o => o.ShipPostalCode == postalCode);
        }

        // The start of a name: lower(ship_name) LIKE 'prefix%' on ix_orders_ship_name_prefix, wildcards escaped.
        var namePrefix = LikePatterns.Literal(q.ToLowerInvariant()) + "%";
#pragma warning disable CA1304, CA1311 // ToLower() here is SQL lower(), the expression the index is built on; no .NET culture runs.
        return orders.Where(o => o.ShipName != null && EF.Functions.Like(o.ShipName.ToLower(), namePrefix, "\\"));
#pragma warning restore CA1304, CA1311
    }

    /// <summary>One page, newest paid first, from the cursor; answers whether more lie beyond each end.</summary>
    public async Task<(List<DeskRow> Rows, bool HasOlder, bool HasNewer)> PageAsync(IQueryable<Order> filtered, IQueryable<PaymentRecord> payments,
        CancellationToken cancellationToken)
    {
        if (PaymentFilter.TryParseCursor(After, out var afterAt, out var afterId))
        {
            var newer = await DeskRow.Project(OldestFirst(filtered
                    .Where(o => EF.Functions.GreaterThan(ValueTuple.Create(o.PaidAt, o.Id), ValueTuple.Create((DateTimeOffset?)afterAt, afterId))))
                    .Take(PageSize + 1), payments)
                .ToListAsync(cancellationToken);
            return (newer.Take(PageSize).Reverse().ToList(), true, newer.Count > PageSize);
        }

        var page = filtered;
        var fromCursor = PaymentFilter.TryParseCursor(Before, out var beforeAt, out var beforeId);
        if (fromCursor)
        {
            page = page.Where(o => EF.Functions.LessThan(ValueTuple.Create(o.PaidAt, o.Id), ValueTuple.Create((DateTimeOffset?)beforeAt, beforeId)));
        }

        var older = await DeskRow.Project(NewestFirst(page).Take(PageSize + 1), payments)
            .ToListAsync(cancellationToken);
        return (older.Take(PageSize).ToList(), older.Count > PageSize, fromCursor);
    }

    /// <summary>The cursor of a row: the payments list's format, on (paid_at, id).</summary>
    public static string Cursor(DeskRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"{(row.PaidAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}_{row.Id}");

    /// <summary>This view as route values, with another view or cursor when given, for the link generator.</summary>
    public RouteValueDictionary RouteValues(DeskView? show = null, string? before = null, string? after = null)
    {
        var view = show ?? Show;
        return new RouteValueDictionary
        {
            ["show"] = view == DeskView.All ? null : view.ToString(),
            ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(),
            ["before"] = before,
            ["after"] = after,
        };
    }
}
