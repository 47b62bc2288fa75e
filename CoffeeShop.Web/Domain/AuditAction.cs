namespace CoffeeShop.Web.Domain;

/// <summary>What an admin did, as the audit log names it.</summary>
public enum AuditAction
{
    SignIn,
    SignInFailed,
    LockedOut,
    SignOut,
    Refund,
    Resync,
    Resolve,
    FulfilmentStep,
    ProductCreated,
    ProductChanged,
    ProductActivated,
    ProductDeactivated,
    PhotoChanged,
    StockMoved,
    CatalogImported,
    AdminInvited,
    AdminEnrolled,
    AdminDisabled,
    AdminEnabled,
    AdminRemoved,
    InvitationRevoked,
    PasswordResetRequested,
    PasswordReset,
    EmailResent,
}
