using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Payments;

public sealed record CurrencyTotal(string Currency, int Count, long AmountMinor, long RefundedMinor)
{
    public Money Amount => new(AmountMinor, Currency);
    public Money Refunded => new(RefundedMinor, Currency);
}

public class IndexModel(AppDbContext db, IOptions<ShopOptions> shop, IOptions<ReconciliationOptions> reconciliation, TimeProvider clock) : PageModel
{
    public PaymentFilter Filter { get; private set; } = new();
    public IReadOnlyList<PaymentRecord> Rows { get; private set; } = [];
    public bool HasOlder { get; private set; }
    public bool HasNewer { get; private set; }
    public IReadOnlyList<CurrencyTotal>? Totals { get; private set; }
    public TimeZoneInfo Zone => shop.Value.Zone;

    public async Task<IActionResult> OnGetAsync([FromQuery] PaymentFilter filter, CancellationToken cancellationToken)
    {
        Filter = filter;
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var filtered = Filtered(filter);
        (var rows, HasOlder, HasNewer) = await filter.PageAsync(filtered, cancellationToken);
        Rows = rows;
        if (filter.HasDateRange)
        {
            // Totals only over a bounded range: an unbounded one would read the whole table on every request.
            Totals = await filtered.GroupBy(p => p.Currency)
                .Select(g => new CurrencyTotal(g.Key, g.Count(), g.Sum(p => p.AmountMinor), g.Sum(p => p.RefundedMinor)))
                .ToListAsync(cancellationToken);
        }

        return Page();
    }

    /// <summary>Exactly the filtered rows, newest first, streamed as CSV.</summary>
    public async Task<IActionResult> OnGetExportAsync([FromQuery] PaymentFilter filter, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }

        HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"payments-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        var rows = PaymentCsv.Project(Filtered(filter).OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)).AsAsyncEnumerable();
        await PaymentCsv.WriteAsync(Response.Body, rows, cancellationToken);
        return new EmptyResult();
    }

    public string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string DashboardUrl(PaymentRecord row) =>
        $"https://dashboard.stripe.com/{(row.Livemode ? "" : "test/")}payments/{row.PaymentIntentId}";

    private IQueryable<PaymentRecord> Filtered(PaymentFilter filter) =>
        filter.Apply(db.PaymentRecords.AsNoTracking(), Zone, clock.GetUtcNow().AddSeconds(-reconciliation.Value.MinimumAgeSeconds));
}
