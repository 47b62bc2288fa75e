using System.Security.Claims;

namespace CoffeeShop.Web.Auditing;

/// <summary>Who acted, as the audit log and the stock ledger record it: the admin's user id and email at the time.</summary>
public sealed record AdminActor(string? Id, string Name)
{
    /// <summary>The signed-in admin of a request.</summary>
    public static AdminActor Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "unknown");
    }
}
