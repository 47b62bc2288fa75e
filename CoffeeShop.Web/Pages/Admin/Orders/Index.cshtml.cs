using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>The admins' home (also at /Admin): paid orders newest first, by fulfilment status, searchable.</summary>
public class IndexModel(AppDbContext db, IOptions<ShopOptions> shop) : PageModel
{
    public DeskFilter Filter { get; private set; } = new();
    public IReadOnlyList<DeskRow> Rows { get; private set; } = [];
    public bool HasOlder { get; private set; }
    public bool HasNewer { get; private set; }

    /// <summary>Orders per view: kept by a trigger in order_fulfilment_counts, never counted over orders.</summary>
    public IReadOnlyDictionary<DeskView, long> Counts { get; private set; } = new Dictionary<DeskView, long>();

    public TimeZoneInfo Zone => shop.Value.Zone;

    public async Task<IActionResult> OnGetAsync([FromQuery] DeskFilter filter, CancellationToken cancellationToken)
    {
        Filter = filter;
        Counts = await CountsAsync(cancellationToken);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        (var rows, HasOlder, HasNewer) = await filter.PageAsync(filter.Apply(db.Orders.AsNoTracking(), db.PaymentRecords), db.PaymentRecords, cancellationToken);
        Rows = rows;
        return Page();
    }

    public string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Label(DeskView view) => view switch
    {
        DeskView.All => "All paid",
        DeskView.NeedsAttention => "Needs attention",
        _ => FulfilmentRules.Label(DeskFilter.StatusOf(view)!.Value),
    };

    private async Task<Dictionary<DeskView, long>> CountsAsync(CancellationToken cancellationToken)
    {
        var perStatus = await db.Database.SqlQuery<FulfilmentCount>($"""SELECT fulfilment AS "Fulfilment", orders AS "Orders" FROM order_fulfilment_counts""")
            .ToListAsync(cancellationToken);
        // Unresolved NeedsAttention records are few and found through payment_records' (status, …) index.
        var attention = await db.PaymentRecords
            .Where(p => p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null && p.Order!.Fulfilment != null)
            .Select(p => p.OrderId).Distinct().LongCountAsync(cancellationToken);
        var counts = Enum.GetValues<DeskView>().ToDictionary(v => v, v => DeskFilter.StatusOf(v) is { } status
            ? perStatus.Where(c => c.Fulfilment == status.ToString()).Sum(c => c.Orders)
            : 0L);
        counts[DeskView.All] = perStatus.Sum(c => c.Orders);
        counts[DeskView.NeedsAttention] = attention;
        return counts;
    }

    private sealed record FulfilmentCount(string Fulfilment, long Orders);
}
