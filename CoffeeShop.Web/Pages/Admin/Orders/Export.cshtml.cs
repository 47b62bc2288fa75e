using CoffeeShop.Web.Data;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>The desk's current view and search as CSV (<see cref="OrderCsv"/>), streamed from the data reader to the response.</summary>
public class ExportModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync([FromQuery] DeskFilter filter, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }

        HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"orders-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        // The paging cursor is not part of an export: it is every order of the view.
        var rows = OrderCsv.Project(filter.Apply(db.Orders.AsNoTracking(), db.PaymentRecords)).AsAsyncEnumerable();
        await OrderCsv.WriteAsync(Response.Body, rows, cancellationToken);
        return new EmptyResult();
    }
}
