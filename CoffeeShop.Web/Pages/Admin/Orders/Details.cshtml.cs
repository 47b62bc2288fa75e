using System.Globalization;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Fulfilment;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Pages.Admin.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>One order for the desk: what to pack, where it goes, its payments, its timeline and the next steps.</summary>
public class DetailsModel(AppDbContext db, OrderFulfilment fulfilment, IOptions<ShopOptions> shop) : PageModel
{
    public Order Order { get; private set; } = null!;
    public IReadOnlyList<PaymentRecord> Payments { get; private set; } = [];
    public IReadOnlyList<OrderEvent> Timeline { get; private set; } = [];
    public IReadOnlyList<Carrier> Carriers => fulfilment.Carriers;

    /// <summary>Each form posts the status it was rendered at (Step.Expected); the other fields belong to one form each.</summary>
    [BindProperty]
    public StepInput Step { get; set; } = new();

    /// <summary>A canceled order's payments that still hold money: the refund did not go through and waits for an admin.</summary>
    public IEnumerable<PaymentRecord> StillToRefund => Order.Fulfilment == FulfilmentStatus.Canceled
        ? Payments.Where(p => p.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded && p.RefundedMinor < p.AmountMinor)
        : [];

    public IReadOnlyList<FulfilmentStatus> NextSteps => Order.Fulfilment is { } status ? FulfilmentRules.NextSteps(status) : [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostPackAsync(long id, CancellationToken cancellationToken) =>
        StepAsync(id, expected => fulfilment.MarkPackedAsync(id, expected, AdminName, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostShipAsync(long id, CancellationToken cancellationToken)
    {
        if (fulfilment.CarrierNamed(Step.Carrier) is null)
        {
            ModelState.AddModelError("Step.Carrier", "Choose a carrier from the list.");
        }

        if (TrackingNumber.Problem(Step.TrackingNumber, out _) is { } problem)
        {
            ModelState.AddModelError("Step.TrackingNumber", problem);
        }

        return StepAsync(id, expected => fulfilment.MarkShippedAsync(id, expected, Step.Carrier, Step.TrackingNumber, AdminName, cancellationToken), cancellationToken);
    }

    public Task<IActionResult> OnPostDeliverAsync(long id, CancellationToken cancellationToken) =>
        StepAsync(id, expected => fulfilment.MarkDeliveredAsync(id, expected, AdminName, cancellationToken), cancellationToken);

    [RateLimited(RateLimits.RefundPosts)]
    public Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken)
    {
        if (Step.RefundId is null)
        {
            ModelState.AddModelError("Step.RefundId", "This form is out of date; reload the page.");
        }

        return StepAsync(id, expected => fulfilment.CancelAsync(id, expected, Step.RefundId!.Value,
            string.IsNullOrEmpty(Step.Reason) ? null : Step.Reason, Step.ReturnToStock, AdminName, cancellationToken), cancellationToken);
    }

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private async Task<IActionResult> StepAsync(long id, Func<FulfilmentStatus, Task<FulfilmentOutcome>> step, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken) || Order.Fulfilment is null)
        {
            return NotFound();
        }

        if (Step.Expected is null && ModelState.IsValid)
        {
            ModelState.AddModelError("Step.Expected", "This form is out of date; reload the page.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await step(Step.Expected!.Value);
        if (outcome.Kind == FulfilmentOutcomeKind.NotFound)
        {
            return NotFound();
        }

        TempData["Message"] = outcome.Message;
        return new SeeOtherResult(Url.Page("/Admin/Orders/Details", new { id })!);
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
        {
            return false;
        }

        Order = order;
        Payments = await db.PaymentRecords.AsNoTracking().Where(p => p.OrderId == id).OrderBy(p => p.Attempt).ToListAsync(cancellationToken);
        Timeline = await db.OrderEvents.AsNoTracking().Where(e => e.OrderId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        // A re-rendered form keeps what the admin typed; a fresh one gets a new refund id and the usual reason.
        Step.RefundId ??= Guid.NewGuid();
        Step.Reason ??= RefundReasons.RequestedByCustomer;

        return true;
    }

    private AdminActor AdminName => AdminActor.Of(User);

    public sealed class StepInput
    {
        /// <summary>The fulfilment status the page showed when the form was rendered: the step applies only from there.</summary>
        public FulfilmentStatus? Expected { get; set; }

        public string? Carrier { get; set; }

        public string? TrackingNumber { get; set; }

        /// <summary>Rendered into the cancel form: the refund's id and Stripe's Idempotency-Key, so a double submit refunds once.</summary>
        public Guid? RefundId { get; set; }

        [RefundReason(ErrorMessage = "Choose a reason from the list.")]
        public string? Reason { get; set; }

        /// <summary>The order's bags go back on the shelf (the parcel never left).</summary>
        public bool ReturnToStock { get; set; }
    }
}
