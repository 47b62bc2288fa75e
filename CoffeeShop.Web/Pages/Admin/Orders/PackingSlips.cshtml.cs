using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>"Print all to pack": a slip for every order to pack, oldest paid first, one per printed page.</summary>
public class PackingSlipsModel(AppDbContext db, IOptions<ShopOptions> shop) : PageModel
{
    /// <summary>More than a printer's afternoon: the rest waits for the next print.</summary>
    public const int Cap = 500;

    public IReadOnlyList<PackingSlipView> Slips { get; private set; } = [];
    public bool Capped { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Oldest first along ix_orders_desk_fulfilment_paid_at.
        var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).AsSplitQuery()
            .Where(o => o.Fulfilment == FulfilmentStatus.ToPack)
            .OrderBy(o => o.PaidAt).ThenBy(o => o.Id)
            .Take(Cap + 1).ToListAsync(cancellationToken);
        Capped = orders.Count > Cap;
        Slips = orders.Take(Cap).Select(o => PackingSlipModel.For(o, shop.Value)).ToList();
    }
}
