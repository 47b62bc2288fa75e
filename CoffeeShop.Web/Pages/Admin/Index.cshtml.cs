using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin;

public class IndexModel(AppDbContext db, IOptions<ShopOptions> shop, IOptions<ReconciliationOptions> reconciliation, TimeProvider clock) : PageModel
{
    private static readonly string[] Earning = [nameof(PaymentStatus.Succeeded), nameof(PaymentStatus.PartiallyRefunded), nameof(PaymentStatus.Refunded), nameof(PaymentStatus.Disputed)];

    public RevenueChart Chart { get; private set; } = null!;
    public IReadOnlyList<(PaymentStatus Status, int Count)> StatusCounts { get; private set; } = [];
    public int NeedsAttention { get; private set; }

    /// <summary>Unresolved duplicate payments, newest first: money to give back, one click each.</summary>
    public IReadOnlyList<PaymentRecord> Duplicates { get; private set; } = [];

    public const int DuplicatesShown = 20;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var zone = shop.Value.Zone;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var firstDay = today.AddDays(1 - RevenueChart.Days).ToDateTime(TimeOnly.MinValue);
        var since = new DateTimeOffset(firstDay, zone.GetUtcOffset(firstDay)).ToUniversalTime();
        var currency = shop.Value.Currency;

        var sales = await db.Database.SqlQuery<DailyRevenue>($"""
            SELECT (created_at AT TIME ZONE {zone.Id})::date AS "Day",
                   sum(amount_minor - refunded_minor)::bigint AS "Revenue",
                   count(*)::int AS "Payments"
            FROM payment_records
            WHERE created_at >= {since} AND currency = {currency} AND status = ANY({Earning})
            GROUP BY 1
            """).ToListAsync(cancellationToken);
        Chart = new RevenueChart(today, sales, currency);

        var counts = await db.PaymentRecords.Where(p => p.CreatedAt >= since)
            .GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        StatusCounts = counts.OrderBy(c => c.Key).Select(c => (c.Key, c.Count)).ToList();

        var stuckBefore = now.AddSeconds(-reconciliation.Value.MinimumAgeSeconds);
        NeedsAttention = await new PaymentFilter { Attention = true }.Apply(db.PaymentRecords, zone, stuckBefore).CountAsync(cancellationToken);

        Duplicates = await db.PaymentRecords.AsNoTracking().Include(p => p.Order)
            .Where(p => p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null
                && p.AttentionReason != null && p.AttentionReason.StartsWith(AttentionReasons.DuplicatePayment))
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Take(DuplicatesShown).ToListAsync(cancellationToken);
    }

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
