namespace CoffeeShop.Web.Domain;

public enum OutboxStatus
{
    /// <summary>Waiting to be sent (again, after a failure, once <see cref="OutboxMessage.NextAttemptAt"/> comes).</summary>
    Pending,

    /// <summary>The SMTP server accepted it.</summary>
    Sent,

    /// <summary>Every attempt failed; shown to admins, who can send it again.</summary>
    Failed,
}
