namespace CoffeeShop.Web.Domain;

/// <summary>
/// One admin action, appended and never changed: the database refuses any UPDATE, DELETE or
/// TRUNCATE of the audit log (trigger <c>audit_log_append_only</c>).
/// </summary>
public class AuditEntry
{
    public const int ActorMaxLength = 256;
    public const int SubjectMaxLength = 200;

    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The admin's user id; null when nobody signed in (a failed sign-in names the email typed).</summary>
    public string? ActorId { get; set; }

    /// <summary>The admin's email as it was then, or the email a failed sign-in typed.</summary>
    public required string Actor { get; set; }

    public AuditAction Action { get; set; }

    /// <summary>What was acted on, readable and searchable: "product kiambu-aa", "order CS-…", "admin ann@…".</summary>
    public required string Subject { get; set; }

    /// <summary>The changed fields before the action, as a JSON object; null when nothing existed before.</summary>
    public string? Before { get; set; }

    /// <summary>The changed fields after the action, as a JSON object; null when nothing is left after.</summary>
    public string? After { get; set; }
}
