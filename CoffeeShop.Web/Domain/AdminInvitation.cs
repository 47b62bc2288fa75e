namespace CoffeeShop.Web.Domain;

/// <summary>
/// A one-time enrolment link for a new admin. Only the SHA-256 of its token is kept: the link itself
/// is shown once to the inviting admin.
/// </summary>
public class AdminInvitation
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string InvitedById { get; set; }
    public required string InvitedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the link was used; a used link never works again.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>When an admin withdrew the link before it was used.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
