using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Checkout;

/// <summary>
/// Where Stripe sends the customer after 3-D Secure. The query string is only a hint: the PaymentIntent
/// is fetched from Stripe and must match the order (metadata, amount, currency) before anything is paid.
/// Anyone holding an order link can load it, so a settled attempt is answered from the database (no
/// Stripe call, no row lock) and each client is rate-limited.
/// </summary>
[EnableRateLimiting(RateLimits.PaymentStatusChecks)]
[NoIndex]
public class ReturnModel(AppDbContext db, IPaymentGateway gateway, FinalizePayment finalize, ILogger<ReturnModel> logger) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? order, [FromQuery(Name = "payment_intent")] string? paymentIntent, CancellationToken cancellationToken)
    {
        var found = order is null ? null : await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.PublicId == order, cancellationToken);
        if (found is null)
        {
            return NotFound();
        }

        var records = db.PaymentRecords.AsNoTracking().Where(p => p.OrderId == found.Id);
        var record = await records.FirstOrDefaultAsync(p => p.PaymentIntentId != null && p.PaymentIntentId == paymentIntent, cancellationToken)
            ?? await records.LatestAttemptAsync(found.Id, cancellationToken);
        var intentId = record?.PaymentIntentId ?? (paymentIntent is { Length: < 100 } && paymentIntent.StartsWith("pi_", StringComparison.Ordinal) ? paymentIntent : null);
        var orderPage = new SeeOtherResult(Url.Page("/Orders/Details", values: new { publicId = found.PublicId })!);
        if (record is null || intentId is null)
        {
            return orderPage;
        }

        if (PaymentStatusRules.IsSettled(record.Status))
        {
            return SettledPaymentRedirect.For(this, found.PublicId, record.Status, record.FailureCode);
        }

        try
        {
            if (await gateway.RetrieveAsync(intentId, cancellationToken) is not { } intent)
            {
                return orderPage;
            }

            var settled = await finalize.ApplyAsync(record.Id, intent, "return", cancellationToken);
            return SettledPaymentRedirect.For(this, found.PublicId, settled.Status, intent.FailureCode);
        }
        catch (PaymentProviderException ex)
        {
            // The order page says the payment is being confirmed; the webhook or the reconciler settles it.
            logger.LogWarning(ex, "Return for order {OrderId}: Stripe unavailable", found.Id);
        }

        return orderPage;
    }
}
