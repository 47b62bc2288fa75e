namespace CoffeeShop.Web.AdminAccounts;

/// <summary>
/// Marks the one account page an admin without an authenticator may open: the enrolment page itself, which
/// guards its key with the one-time enrolment token. Every other account page sends such an admin to enrol first
/// (<see cref="RequireTwoFactorFilter"/>), so a password alone can neither change the password, nor turn
/// two-factor settings, nor delete the account.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AllowsUnenrolledAdminAttribute : Attribute;
