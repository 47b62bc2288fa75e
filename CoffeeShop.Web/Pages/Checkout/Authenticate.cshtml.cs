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
/// The 3-D Secure step when Stripe gives no redirect URL: Stripe.js runs handleNextAction with the
/// PaymentIntent's client secret, then the customer goes to the return page. The secret is fetched
/// from Stripe for this page only and never stored or logged. A settled attempt is answered from the
/// database without asking Stripe, and each client is rate-limited.
/// </summary>
[LoadsStripeJs]
[EnableRateLimiting(RateLimits.PaymentStatusChecks)]
[NoIndex]
public class AuthenticateModel(AppDbContext db, IPaymentGateway gateway, PaymentMode mode) : PageModel
{
    public string ClientSecret { get; private set; } = "";
    public string PublishableKey => mode.PublishableKey ?? "";
    public string ReturnUrl { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string? order, CancellationToken cancellationToken)
    {
        var found = order is null ? null : await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.PublicId == order, cancellationToken);
        var record = found is null ? null : await db.PaymentRecords.AsNoTracking().LatestAttemptAsync(found.Id, cancellationToken);
        if (found is not null && record is not null && PaymentStatusRules.IsSettled(record.Status))
        {
            // Reloaded after paying, or a stale link: nothing left to authenticate.
            return SettledPaymentRedirect.For(this, found.PublicId, record.Status, record.FailureCode);
        }

        if (found is null || record is not { Status: PaymentStatus.RequiresAction, PaymentIntentId: { } intentId } || mode.IsSimulated)
        {
            return NotFound();
        }

        var intent = await gateway.RetrieveAsync(intentId, cancellationToken);
        if (intent?.ClientSecret is null)
        {
            return NotFound();
        }

        ClientSecret = intent.ClientSecret;
        ReturnUrl = Url.PageLink("/Checkout/Return", values: new { order = found.PublicId, payment_intent = intentId })!;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
