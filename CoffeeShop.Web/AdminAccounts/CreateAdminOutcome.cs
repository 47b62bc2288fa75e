namespace CoffeeShop.Web.AdminAccounts;

/// <summary>What create-admin did: made a new admin, updated an existing user, or refused.</summary>
public enum CreateAdminOutcome
{
    Created,
    Updated,
    Refused,
}
