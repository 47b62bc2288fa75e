using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>The <c>Admin</c> settings section: sign-in lockout, and the admin Development seeds.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    [Range(1, 10, ErrorMessage = "The setting Admin:MaxFailedSignIns must be between 1 and 10. Set it in appsettings.json or the environment variable Admin__MaxFailedSignIns.")]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(1, 24 * 60, ErrorMessage = "The setting Admin:LockoutMinutes must be between 1 and 1440. Set it in appsettings.json or the environment variable Admin__LockoutMinutes.")]
    public int LockoutMinutes { get; set; } = 15;

    [Range(1, 30 * 24, ErrorMessage = "The setting Admin:InvitationHours must be between 1 and 720. Set it in appsettings.json or the environment variable Admin__InvitationHours.")]
    public int InvitationHours { get; set; } = 72;

    /// <summary>How long the link to set up an authenticator works, from create-admin or from accepting an invitation.</summary>
    [Range(1, 30 * 24, ErrorMessage = "The setting Admin:EnrolmentTokenHours must be between 1 and 720. Set it in appsettings.json or the environment variable Admin__EnrolmentTokenHours.")]
    public int EnrolmentTokenHours { get; set; } = 72;

    /// <summary>Admins must have an authenticator (TOTP) before any admin page opens; unset means "outside Development".</summary>
    public bool? RequireTwoFactor { get; set; }

    /// <summary>Development only, with <see cref="DevPassword"/>: an admin created (or reset) at start-up.</summary>
    public string? DevEmail { get; set; }

    public string? DevPassword { get; set; }
}
