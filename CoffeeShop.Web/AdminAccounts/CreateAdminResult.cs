namespace CoffeeShop.Web.AdminAccounts;

/// <summary>What create-admin did, and why it refused when it did.</summary>
public sealed record CreateAdminResult(CreateAdminOutcome Outcome, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Outcome != CreateAdminOutcome.Refused;

    internal static CreateAdminResult Refused(params IEnumerable<string> errors) => new(CreateAdminOutcome.Refused, [.. errors]);
}
