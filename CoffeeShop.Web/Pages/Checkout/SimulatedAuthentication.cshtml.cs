using CoffeeShop.Web.Data;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Payments.Simulated;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Checkout;

/// <summary>The simulated bank's 3-D Secure page (Development without Stripe keys only).</summary>
[NoIndex]
public class SimulatedAuthenticationModel(AppDbContext db, SimulatedPaymentGateway gateway, PaymentMode mode) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PaymentIntent { get; set; }

    public IActionResult OnGet() => mode.IsSimulated && PaymentIntent is not null ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(bool approve, CancellationToken cancellationToken)
    {
        if (!mode.IsSimulated || PaymentIntent is null)
        {
            return NotFound();
        }

        var publicId = await db.PaymentRecords.Where(p => p.PaymentIntentId == PaymentIntent)
            .Select(p => p.Order!.PublicId).SingleOrDefaultAsync(cancellationToken);
        if (publicId is null)
        {
            return NotFound();
        }

        gateway.CompleteAuthentication(PaymentIntent, approve);
        return new SeeOtherResult(Url.Page("/Checkout/Return", values: new { order = publicId, payment_intent = PaymentIntent })!);
    }
}
