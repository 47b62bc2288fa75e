using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.AdminAccounts;

/// <summary>One admin as the Team page shows them.</summary>
public sealed record TeamMember(string Id, string Email, DateTimeOffset? LastSignIn, bool TwoFactor, bool Disabled);

/// <summary>What a team change did: applied, or refused with a message for the page.</summary>
public sealed record TeamOutcome(bool Applied, string Message);

/// <summary>An invitation made: the enrolment link (on the shop's public address), emailed and shown once, never stored but in the outbox until sent.</summary>
public sealed record InvitationOutcome(bool Applied, string Message, Uri? Link = null, DateTimeOffset? ExpiresAt = null);

/// <summary>
/// The admin team: invitations with one-time enrolment links, enrolment, disabling, enabling and removing
/// admins. Every change runs in one transaction holding the team's advisory lock, so two admins acting at
/// once are applied one after the other and the rules (never yourself, never the last active admin, one use
/// per link) hold under concurrency. Every change is audited in the same transaction, and an invitation's
/// email is queued in it too (a refused or rolled-back invitation sends nothing).
/// </summary>
public sealed class AdminTeam(AppDbContext db, UserManager<IdentityUser> users, IOptions<AdminOptions> options, IOptions<IdentityOptions> identity,
    IOptions<EmailOptions> emailOptions, AuthenticatorEnrolment enrolment, TimeProvider clock)
{
    /// <summary>The key of <c>pg_advisory_xact_lock</c> that serialises team changes ("team" in ASCII).</summary>
    private const long TeamLockKey = 0x7465616d;

    private const int MaxTokenLength = 100;

    /// <summary>Disabled means locked out for good; a lockout after failed sign-ins ends within minutes.</summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end.Year >= 9999;

    public async Task<IReadOnlyList<TeamMember>> MembersAsync(CancellationToken cancellationToken)
    {
        var admins = (await users.GetUsersInRoleAsync(AdminRegistration.Role)).OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase).ToList();
        var ids = admins.Select(a => a.Id).ToList();
        // The last sign-in is the newest SignIn entry of the audit log: recorded once, where it cannot be altered.
        var lastSignIns = await db.AuditLog.AsNoTracking()
            .Where(a => a.Action == AuditAction.SignIn && a.ActorId != null && ids.Contains(a.ActorId))
            .GroupBy(a => a.ActorId!).Select(g => new { Id = g.Key, At = g.Max(a => a.OccurredAt) })
            .ToDictionaryAsync(x => x.Id, x => x.At, cancellationToken);
        var members = new List<TeamMember>();
        foreach (var admin in admins)
        {
            members.Add(new TeamMember(admin.Id, admin.Email ?? admin.UserName ?? admin.Id,
                lastSignIns.TryGetValue(admin.Id, out var at) ? at : null,
                await users.GetTwoFactorEnabledAsync(admin), IsDisabled(admin.LockoutEnd)));
        }

        return members;
    }

    public Task<List<AdminInvitation>> PendingInvitationsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.AdminInvitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderBy(i => i.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<InvitationOutcome> InviteAsync(string? email, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var address = email?.Trim() ?? "";
        // The email becomes the user name at enrolment: refuse now what Identity would refuse then.
        var allowed = identity.Value.User.AllowedUserNameCharacters;
        if (address.Length is 0 or > 256 || !new EmailAddressAttribute().IsValid(address)
            || (!string.IsNullOrEmpty(allowed) && address.Any(c => !allowed.Contains(c, StringComparison.Ordinal))))
        {
            return new InvitationOutcome(false, "Enter a valid email address, like ann@example.com.");
        }

        address = address.ToLowerInvariant();
        await using var transaction = await LockTeamAsync(cancellationToken);
        if (await ActorProblemAsync(actor) is { } problem)
        {
            return new InvitationOutcome(false, problem);
        }

        if (await users.FindByEmailAsync(address) is { } existing)
        {
            return new InvitationOutcome(false, await users.IsInRoleAsync(existing, AdminRegistration.Role)
                ? $"{address} is already an admin."
                : $"{address} already has an account; it cannot be invited.");
        }

        var now = clock.GetUtcNow();
        if (await db.AdminInvitations.AnyAsync(i => i.Email == address && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, cancellationToken))
        {
            return new InvitationOutcome(false, $"{address} already has a pending invitation. Revoke it first to make a new link.");
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var invitation = new AdminInvitation
        {
            Id = Guid.NewGuid(),
            Email = address,
            TokenHash = Hash(token),
            InvitedById = actor.Id!,
            InvitedBy = actor.Name,
            CreatedAt = now,
            ExpiresAt = now.AddHours(options.Value.InvitationHours),
        };
        db.AdminInvitations.Add(invitation);
        AuditTrail.Add(db, actor, AuditAction.AdminInvited, $"admin {address}", null, new { email = address, expiresAt = invitation.ExpiresAt }, now);
        var link = EnrolmentLink(token);
        Outbox.AdminInvitation(db, invitation.Id, address, link.AbsoluteUri, invitation.ExpiresAt, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new InvitationOutcome(true, $"Invitation for {address} made; the link is on its way by email.", link, invitation.ExpiresAt);
    }

    public async Task<TeamOutcome> RevokeAsync(Guid invitationId, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var transaction = await LockTeamAsync(cancellationToken);
        if (await ActorProblemAsync(actor) is { } problem)
        {
            return new TeamOutcome(false, problem);
        }

        var invitation = await db.AdminInvitations.SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken);
        var now = clock.GetUtcNow();
        if (invitation is null || invitation.AcceptedAt is not null || invitation.RevokedAt is not null || invitation.ExpiresAt <= now)
        {
            return new TeamOutcome(false, "That invitation is no longer pending; nothing was changed.");
        }

        invitation.RevokedAt = now;
        AuditTrail.Add(db, actor, AuditAction.InvitationRevoked, $"admin {invitation.Email}", new { pending = true }, new { pending = false }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TeamOutcome(true, $"The invitation for {invitation.Email} was revoked; its link no longer works.");
    }

    public Task<TeamOutcome> DisableAsync(string userId, AdminActor actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, AuditAction.AdminDisabled, cancellationToken);

    public Task<TeamOutcome> EnableAsync(string userId, AdminActor actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, AuditAction.AdminEnabled, cancellationToken);

    /// <summary>
    /// Removing deletes the account, not only its role: no dormant password or authenticator is left behind,
    /// and the email can be invited again. The audit log keeps the admin's id and email on every entry.
    /// </summary>
    public Task<TeamOutcome> RemoveAsync(string userId, AdminActor actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, AuditAction.AdminRemoved, cancellationToken);

    /// <summary>The invitation a link's token belongs to, when it can still be used; null otherwise.</summary>
    public async Task<AdminInvitation?> PendingInvitationAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var hash = Hash(token);
        var now = clock.GetUtcNow();
        return await db.AdminInvitations.SingleOrDefaultAsync(
            i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, cancellationToken);
    }

    /// <summary>
    /// Creates the admin of a pending invitation and uses the link up, in one transaction under the team lock:
    /// two submits of one link create one admin. Null invitation means the link is not (or no longer) valid.
    /// The link's token then becomes the new admin's authenticator enrolment token (<see cref="AuthenticatorEnrolment"/>).
    /// </summary>
    public async Task<(AdminInvitation? Invitation, IReadOnlyList<string> Problems)> EnrolAsync(string? token, string password, CancellationToken cancellationToken)
    {
        await using var transaction = await LockTeamAsync(cancellationToken);
        var invitation = await PendingInvitationAsync(token, cancellationToken);
        if (invitation is null)
        {
            return (null, []);
        }

        if (await users.FindByEmailAsync(invitation.Email) is not null)
        {
            return (invitation, [$"{invitation.Email} already has an account. Ask the admin who invited you."]);
        }

        var user = new IdentityUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return (invitation, created.Errors.Select(e => e.Description).ToList());
        }

        var role = await users.AddToRoleAsync(user, AdminRegistration.Role);
        if (!role.Succeeded)
        {
            throw new InvalidOperationException("The new admin could not be given the Admin role: " + string.Join(" ", role.Errors.Select(e => e.Description)));
        }

        await enrolment.IssueForInvitationAsync(user, invitation.TokenHash);

        var now = clock.GetUtcNow();
        invitation.AcceptedAt = now;
        AuditTrail.Add(db, new AdminActor(user.Id, invitation.Email), AuditAction.AdminEnrolled, $"admin {invitation.Email}",
            null, new { email = invitation.Email, invitedBy = invitation.InvitedBy }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (invitation, []);
    }

    private async Task<TeamOutcome> ChangeAsync(string userId, AdminActor actor, AuditAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var transaction = await LockTeamAsync(cancellationToken);
        if (await ActorProblemAsync(actor) is { } problem)
        {
            return new TeamOutcome(false, problem);
        }

        var user = await users.FindByIdAsync(userId);
        if (user is null || !await users.IsInRoleAsync(user, AdminRegistration.Role))
        {
            return new TeamOutcome(false, "That admin no longer exists; nothing was changed.");
        }

        var email = user.Email ?? user.UserName ?? user.Id;
        var wasDisabled = IsDisabled(user.LockoutEnd);
        if (action != AuditAction.AdminEnabled)
        {
            if (user.Id == actor.Id)
            {
                return new TeamOutcome(false, "You cannot disable or remove yourself; ask another admin.");
            }

            if (!wasDisabled && await ActiveAdminsAsync() <= 1)
            {
                return new TeamOutcome(false, $"{email} is the last active admin and cannot be disabled or removed.");
            }
        }

        string done;
        switch (action)
        {
            case AuditAction.AdminDisabled when wasDisabled:
            case AuditAction.AdminEnabled when !wasDisabled:
                return new TeamOutcome(false, $"{email} is already {(wasDisabled ? "disabled" : "active")}; nothing was changed.");
            case AuditAction.AdminDisabled:
                Succeeded(await users.SetLockoutEnabledAsync(user, true));
                Succeeded(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                // A new stamp makes the disabled admin's cookie fail its next check (every request).
                Succeeded(await users.UpdateSecurityStampAsync(user));
                done = $"{email} is disabled and signed out.";
                break;
            case AuditAction.AdminEnabled:
                Succeeded(await users.SetLockoutEndDateAsync(user, null));
                Succeeded(await users.ResetAccessFailedCountAsync(user));
                done = $"{email} is enabled again.";
                break;
            default:
                Succeeded(await users.UpdateSecurityStampAsync(user));
                Succeeded(await users.DeleteAsync(user));
                done = $"{email} was removed from the team.";
                break;
        }

        AuditTrail.Add(db, actor, action, $"admin {email}",
            new { admin = true, disabled = wasDisabled },
            action == AuditAction.AdminRemoved ? new { admin = false, disabled = wasDisabled } : new { admin = true, disabled = action == AuditAction.AdminDisabled },
            clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TeamOutcome(true, done);
    }

    /// <summary>Admins not disabled, counted inside the team lock.</summary>
    private async Task<int> ActiveAdminsAsync()
    {
        var admins = await users.GetUsersInRoleAsync(AdminRegistration.Role);
        return admins.Count(a => !IsDisabled(a.LockoutEnd));
    }

    /// <summary>An admin removed or disabled a moment ago (by a concurrent change) acts no more.</summary>
    private async Task<string?> ActorProblemAsync(AdminActor actor)
    {
        var user = actor.Id is null ? null : await users.FindByIdAsync(actor.Id);
        return user is null || IsDisabled(user.LockoutEnd) || !await users.IsInRoleAsync(user, AdminRegistration.Role)
            ? "Your admin account was disabled or removed meanwhile; nothing was changed."
            : null;
    }

    private async Task<IDbContextTransaction> LockTeamAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({TeamLockKey})", cancellationToken);
        // Users this request read before the lock (the two-factor check, say) may have changed while it waited.
        db.ChangeTracker.Clear();
        return transaction;
    }

    /// <summary>On the shop's configured address, never the request's Host header, which a client chooses.</summary>
    private Uri EnrolmentLink(string token) => new(emailOptions.Value.ShopUri, $"Enrol?token={Uri.EscapeDataString(token)}");

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static void Succeeded(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("A team change failed in Identity: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
