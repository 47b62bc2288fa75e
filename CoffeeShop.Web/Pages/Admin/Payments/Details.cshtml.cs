using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Payments;

public sealed record TimelineItem(DateTimeOffset At, string Source, string Text);

public class DetailsModel(AppDbContext db, RefundPayment refunds, Reconciler reconciler, RefundSync refundSync, ResolveAttention attention, IOptions<ShopOptions> shop, TimeProvider clock) : PageModel
{
    public PaymentRecord Payment { get; private set; } = null!;
    public Order Order { get; private set; } = null!;
    public IReadOnlyList<PaymentRecord> Attempts { get; private set; } = [];
    public IReadOnlyList<Refund> Refunds { get; private set; } = [];
    public IReadOnlyList<TimelineItem> Timeline { get; private set; } = [];

    [BindProperty]
    public RefundInput Refund { get; set; } = new();

    /// <summary>The mark-resolved form; bound by its own handler only, so the refund form's fields never count against it.</summary>
    public ResolveInput Resolve { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    [RateLimited(RateLimits.RefundPosts)]
    public async Task<IActionResult> OnPostRefundAsync(long id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var amount = Money.Zero(Payment.Currency);
        if (ModelState.IsValid && !Money.TryParseMajor(Refund.Amount, Payment.Currency, out amount))
        {
            ModelState.AddModelError("Refund.Amount", "Enter an amount like 12.50.");
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await refunds.RequestAsync(id, Refund.RequestId!.Value, amount.Minor, Refund.Reason, AdminActor.Of(User), cancellationToken, Refund.ReturnToStock);
        if (Payment.Status == PaymentStatus.NeedsAttention && outcome.Kind != RefundOutcomeKind.AlreadyRequested)
        {
            await attention.RecordActionAsync(id, AdminName, $"Refund of {amount} ({Refund.Reason ?? "no reason"}): {outcome.Message}", cancellationToken);
        }

        TempData["Message"] = outcome.Message;
        return new SeeOtherResult(Url.Page("/Admin/Payments/Details", new { id })!);
    }

    public async Task<IActionResult> OnPostResyncAsync(long id, CancellationToken cancellationToken)
    {
        var record = await db.PaymentRecords.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (record is null)
        {
            return NotFound();
        }

        var status = record.Status;

        try
        {
            var result = await reconciler.ReconcileOneAsync(id, cancellationToken);
            var refundsAtStripe = await refundSync.SyncAsync(id, cancellationToken);
            TempData["Message"] = (result is null ? "Stripe has no PaymentIntent for this payment yet."
                : result.Changed ? $"Re-synced from Stripe: now {result.Status}." : $"Re-synced from Stripe: still {result.Status}.")
                + (refundsAtStripe.StillRequested > 0 ? $" {refundsAtStripe.StillRequested} requested refund(s) not found at Stripe yet." : "");
        }
        catch (PaymentProviderException)
        {
            TempData["Message"] = "Stripe could not be reached; try again in a moment.";
        }

        if (status == PaymentStatus.NeedsAttention)
        {
            await attention.RecordActionAsync(id, AdminName, $"Re-sync from Stripe: {TempData.Peek("Message")}", cancellationToken);
        }

        // The re-sync changes what Stripe says, not our unit of work: its entry is saved on its own, afterwards.
        var now = await db.PaymentRecords.AsNoTracking().Where(p => p.Id == id).Select(p => p.Status).SingleAsync(cancellationToken);
        AuditTrail.Add(db, AdminActor.Of(User), AuditAction.Resync, ResolveAttention.SubjectOf(record),
            new { status = status.ToString() }, new { status = now.ToString(), outcome = TempData.Peek("Message") }, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);

        return new SeeOtherResult(Url.Page("/Admin/Payments/Details", new { id })!);
    }

    public async Task<IActionResult> OnPostResolveAsync(long id, ResolveInput resolve, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        // The refund form's [BindProperty] is bound on every post of this page; only this form's fields count here.
        Resolve = resolve;
        ModelState.Clear();
        if (!TryValidateModel(resolve, nameof(Resolve)))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await attention.ResolveAsync(id, AdminActor.Of(User), resolve.Note!.Trim(), cancellationToken);
        TempData["Message"] = outcome.Message;
        return new SeeOtherResult(Url.Page("/Admin/Payments/Details", new { id })!);
    }

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var payment = await db.PaymentRecords.AsNoTracking().Include(p => p.Order!).ThenInclude(o => o.Lines)
            .SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payment is null)
        {
            return false;
        }

        Payment = payment;
        Order = payment.Order!;
        Attempts = await db.PaymentRecords.AsNoTracking().Where(p => p.OrderId == payment.OrderId).OrderBy(p => p.Attempt).ToListAsync(cancellationToken);
        Refunds = await db.Refunds.AsNoTracking().Where(r => r.PaymentRecordId == id).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        var changes = await db.PaymentTimeline.AsNoTracking().Where(e => e.PaymentRecordId == id).ToListAsync(cancellationToken);
        var events = await db.StripeEvents.AsNoTracking().Where(e => e.PaymentRecordId == id)
            .Select(e => new { e.ReceivedAt, e.Id, e.Type, e.Outcome }).ToListAsync(cancellationToken);
        Timeline = changes.Select(c => new TimelineItem(c.At, c.Source,
                c.ToStatus is { } to ? $"{c.FromStatus} → {to}: {c.Note}" : c.Note))
            .Concat(events.Select(e => new TimelineItem(e.ReceivedAt, "Stripe event", $"{e.Type} ({e.Id}): {e.Outcome ?? "received"}")))
            .OrderBy(t => t.At).ToList();
        if (Refund.RequestId is null)
        {
            Refund = new RefundInput
            {
                RequestId = Guid.NewGuid(),
                Amount = Payment.Refundable.ToMajorString(),
                Reason = AttentionReasons.IsDuplicatePayment(Payment.AttentionReason) ? RefundReasons.Duplicate : null,
            };
        }

        return true;
    }

    private string AdminName => User.Identity?.Name ?? "admin";

    public sealed class RefundInput
    {
        /// <summary>Rendered into the form: the refunds row's id and Stripe's Idempotency-Key.</summary>
        [Required(ErrorMessage = "This form is out of date; reload the page.")]
        public Guid? RequestId { get; set; }

        [Required(ErrorMessage = "Enter the amount to refund.")]
        [StringLength(20)]
        public string? Amount { get; set; }

        [RefundReason(ErrorMessage = "Choose a reason from the list.")]
        public string? Reason { get; set; }

        /// <summary>The order's bags come back on the shelf (they were sold by this payment and the parcel came back, or never left).</summary>
        public bool ReturnToStock { get; set; }
    }

    public sealed class ResolveInput
    {
        [Required(ErrorMessage = "Write a note saying how this was resolved.")]
        [StringLength(ResolveAttention.MaxNoteLength, ErrorMessage = "Keep the note to 500 characters or fewer.")]
        public string? Note { get; set; }
    }
}
