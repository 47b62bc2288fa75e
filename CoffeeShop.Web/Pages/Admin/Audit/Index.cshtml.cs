using System.Globalization;
using System.Text.Json;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Audit;

/// <summary>One changed field of an entry: its value before and after, as JSON text (null when absent).</summary>
public sealed record AuditChange(string Field, string? Before, string? After);

/// <summary>/Admin/Audit: the audit log, newest first, 50 a page (keyset on time and id), filtered by query string.</summary>
public class IndexModel(AppDbContext db, IOptions<ShopOptions> shop) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>The keyset cursor: entries older than this one ("{utc ticks}-{id}").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];
    public bool HasOlder { get; private set; }
    public TimeZoneInfo Zone => shop.Value.Zone;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        AuditAction? action = null;
        if (!string.IsNullOrEmpty(Action))
        {
            if (Enum.TryParse<AuditAction>(Action, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(Action, out _))
            {
                action = parsed;
            }
            else
            {
                ModelState.AddModelError(nameof(Action), "Choose an action from the list.");
            }
        }

        if (From is { } from && To is { } to && to < from)
        {
            ModelState.AddModelError(nameof(To), "The end date must not be before the start date.");
        }

        var cursor = ParseCursor(Before);
        if (Before is not null && cursor is null)
        {
            ModelState.AddModelError(nameof(Before), "This page link is not valid; start again from the newest entries.");
        }

        if (!ModelState.IsValid || (Actor?.Length ?? 0) > 256 || (Q?.Length ?? 0) > 200)
        {
            ModelState.AddModelError(string.Empty, "Some filters could not be used; nothing is listed.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        IQueryable<AuditEntry> query = db.AuditLog.AsNoTracking();
        if (action is { } a)
        {
            query = query.Where(e => e.Action == a);
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var pattern = LikePatterns.Containing(Actor.Trim());
            query = query.Where(e => EF.Functions.ILike(e.Actor, pattern, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(Q))
        {
            var pattern = LikePatterns.Containing(Q.Trim());
            query = query.Where(e => EF.Functions.ILike(e.Subject, pattern, "\\"));
        }

        if (From is { } start)
        {
            var since = StartOfDay(start);
            query = query.Where(e => e.OccurredAt >= since);
        }

        if (To is { } end)
        {
            var until = StartOfDay(end.AddDays(1));
            query = query.Where(e => e.OccurredAt < until);
        }

        if (cursor is { } c)
        {
            query = query.Where(e => e.OccurredAt < c.At || (e.OccurredAt == c.At && e.Id < c.Id));
        }

        var rows = await query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
        HasOlder = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
        return Page();
    }

    public Dictionary<string, string?> RouteValues(string? before) => new()
    {
        ["action"] = Action,
        ["actor"] = Actor,
        ["q"] = Q,
        ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["before"] = before,
    };

    public static string Cursor(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Create(CultureInfo.InvariantCulture, $"{entry.OccurredAt.UtcTicks}-{entry.Id}");
    }

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The fields an entry's before and after name, each with its two values.</summary>
    public static IReadOnlyList<AuditChange> Changes(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var before = Fields(entry.Before);
        var after = Fields(entry.After);
        return before.Keys.Union(after.Keys)
            .Select(k => new AuditChange(k, before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .ToList();
    }

    private static Dictionary<string, string?> Fields(string? json)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (json is null)
        {
            return fields;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            fields["value"] = document.RootElement.GetRawText();
            return fields;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            fields[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Null => "none",
                _ => property.Value.GetRawText(),
            };
        }

        return fields;
    }

    private DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static (DateTimeOffset At, long Id)? ParseCursor(string? cursor)
    {
        var parts = cursor?.Split('-');
        return parts is [var ticks, var id]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t >= 0 && t <= DateTimeOffset.MaxValue.UtcTicks
            && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? (new DateTimeOffset(t, TimeSpan.Zero), i)
            : null;
    }
}
