namespace CoffeeShop.Web.Domain;

/// <summary>
/// An email the shop owes someone, written in the same transaction as the change that causes it and
/// sent afterwards by a dispatcher on any instance. It holds what to say (a kind and the ids it is
/// about), not the rendered text: the message is rendered when it is sent, from rows that no longer change.
/// </summary>
public class OutboxMessage
{
    public const int RecipientMaxLength = 254;
    public const int DedupeKeyMaxLength = 200;
    public const int LastErrorMaxLength = 500;

    public long Id { get; set; }
    public MessageKind Kind { get; set; }

    /// <summary>One address; empty for <see cref="MessageKind.AdminAlert"/>, which goes to the admins of the moment.</summary>
    public required string Recipient { get; set; }

    public long? OrderId { get; set; }
    public Guid? RefundId { get; set; }

    /// <summary>What cannot be read back from the database when sending (an enrolment or reset link); cleared once sent.</summary>
    public string? Payload { get; set; }

    /// <summary>Unique: the same cause never queues a message twice (a paid order, one confirmation).</summary>
    public required string DedupeKey { get; set; }

    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>While a dispatcher holds the message: others skip it until then, and take it over after a crash.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Which claim holds the lease: only that dispatcher may mark the message sent or failed.</summary>
    public Guid? LeaseToken { get; set; }

    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The Message-ID header, the same for every attempt, so a resend after a crash can be recognised as the same message.</summary>
    public string MessageIdAt(string domain) => $"outbox-{Id}@{domain}";
}
