using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>One paid order's packing slip, printable from the browser (site.css has the print rules).</summary>
public class PackingSlipModel(AppDbContext db, IOptions<ShopOptions> shop) : PageModel
{
    public PackingSlipView Slip { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == id && o.Fulfilment != null, cancellationToken);
        if (order is null)
        {
            return NotFound();
        }

        Slip = For(order, shop.Value);
        return Page();
    }

    public static PackingSlipView For(Order order, ShopOptions shop) => new(order, shop.Name,
        TimeZoneInfo.ConvertTime(order.PaidAt ?? order.CreatedAt, shop.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}
