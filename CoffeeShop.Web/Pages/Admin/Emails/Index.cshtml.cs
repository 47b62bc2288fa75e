using System.Globalization;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Emails;

/// <summary>A message as the admins see it: never its payload (an enrolment or reset link is a secret).</summary>
public sealed record EmailRow(long Id, MessageKind Kind, string Recipient, long? OrderId, OutboxStatus Status, int Attempts,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset NextAttemptAt);

/// <summary>/Admin/Emails: the failed messages, each with "Send again", then every message, newest first, 50 a page (keyset on id).</summary>
public class IndexModel(AppDbContext db, OutboxStore outbox, IOptions<ShopOptions> shop) : PageModel
{
    public const int PageSize = 50;
    public const int FailedShown = 50;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The keyset cursor: messages older than this id.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<EmailRow> Failed { get; private set; } = [];
    public bool MoreFailed { get; private set; }
    public IReadOnlyList<EmailRow> Rows { get; private set; } = [];
    public bool HasOlder { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        OutboxStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (Enum.TryParse<OutboxStatus>(Status, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(Status, out _))
            {
                status = parsed;
            }
            else
            {
                ModelState.AddModelError(nameof(Status), "Choose a status from the list.");
            }
        }

        if (ModelState.GetFieldValidationState(nameof(Before)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            // The binder's own words ("The value … is not valid") mean nothing to an admin.
            ModelState.Remove(nameof(Before));
            ModelState.AddModelError(nameof(Before), "This page link is not valid; start again from the newest messages.");
        }

        if (!ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, "Nothing is listed.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (Before is null)
        {
            // The failed list's own index: newest first.
            var failed = await Select(db.OutboxMessages.Where(m => m.Status == OutboxStatus.Failed)
                .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)).Take(FailedShown + 1).ToListAsync(cancellationToken);
            MoreFailed = failed.Count > FailedShown;
            Failed = failed.Take(FailedShown).ToList();
        }

        var query = db.OutboxMessages.AsQueryable();
        if (status is { } s)
        {
            query = query.Where(m => m.Status == s);
        }

        if (Before is { } before)
        {
            query = query.Where(m => m.Id < before);
        }

        var rows = await Select(query.OrderByDescending(m => m.Id)).Take(PageSize + 1).ToListAsync(cancellationToken);
        HasOlder = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(long? id, CancellationToken cancellationToken)
    {
        var outcome = id is { } messageId ? await outbox.RetryAsync(messageId, AdminActor.Of(User), cancellationToken) : RetryOutcome.Unknown;
        TempData["Message"] = outcome switch
        {
            RetryOutcome.Queued => $"Message {id} is queued to be sent again.",
            RetryOutcome.NotFailed => $"Message {id} has not failed (it is waiting or sent), so there is nothing to send again.",
            _ => "There is no such message; nothing was sent again.",
        };
        return new SeeOtherResult(Url.Page("/Admin/Emails/Index")!);
    }

    public Dictionary<string, string?> RouteValues(long? before) => new()
    {
        ["status"] = Status,
        ["before"] = before?.ToString(CultureInfo.InvariantCulture),
    };

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public TimeZoneInfo Zone => shop.Value.Zone;

    private static IQueryable<EmailRow> Select(IQueryable<OutboxMessage> messages) =>
        messages.Select(m => new EmailRow(m.Id, m.Kind, m.Recipient, m.OrderId, m.Status, m.Attempts, m.LastError, m.CreatedAt, m.SentAt, m.NextAttemptAt));
}
