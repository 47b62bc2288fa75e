using System.Text.Json;
using System.Text.Json.Nodes;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Auditing;

/// <summary>
/// Appends admin actions to the audit log. <see cref="Add"/> puts the entry into the caller's unit of
/// work, so it is saved in the same transaction as the change it describes (or not at all); the
/// database refuses any later edit or deletion of it.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an entry to <paramref name="db"/>; the caller's SaveChanges writes it with the change.</summary>
    /// <param name="before">The fields before (any object serialisable to a JSON object), or null when nothing existed.</param>
    /// <param name="after">The fields after, or null when nothing is left.</param>
    public static AuditEntry Add(AppDbContext db, AdminActor actor, AuditAction action, string subject, object? before, object? after, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        var entry = new AuditEntry
        {
            OccurredAt = at,
            ActorId = actor.Id,
            Actor = Truncate(actor.Name, AuditEntry.ActorMaxLength),
            Action = action,
            Subject = Truncate(subject, AuditEntry.SubjectMaxLength),
            Before = before is null ? null : ToJson(before),
            After = after is null ? null : ToJson(after),
        };
        db.AuditLog.Add(entry);
        return entry;
    }

    /// <summary>Adds an entry holding only the fields that differ between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static AuditEntry AddChanges(AppDbContext db, AdminActor actor, AuditAction action, string subject, object before, object after, DateTimeOffset at)
    {
        var (changedBefore, changedAfter) = Changes(before, after);
        return Add(db, actor, action, subject, changedBefore, changedAfter, at);
    }

    /// <summary>The fields of two snapshots of one thing that differ, each side as a JSON object.</summary>
    public static (JsonObject Before, JsonObject After) Changes(object before, object after)
    {
        var old = JsonSerializer.SerializeToNode(before, Json) as JsonObject ?? [];
        var now = JsonSerializer.SerializeToNode(after, Json) as JsonObject ?? [];
        var changedBefore = new JsonObject();
        var changedAfter = new JsonObject();
        foreach (var name in old.Select(p => p.Key).Union(now.Select(p => p.Key)))
        {
            var was = old[name];
            var becomes = now[name];
            if (!JsonNode.DeepEquals(was, becomes))
            {
                changedBefore[name] = was?.DeepClone();
                changedAfter[name] = becomes?.DeepClone();
            }
        }

        return (changedBefore, changedAfter);
    }

    private static string ToJson(object value) => value is JsonNode node ? node.ToJsonString(Json) : JsonSerializer.Serialize(value, Json);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
