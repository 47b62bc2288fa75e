using System.Globalization;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Team;

/// <summary>/Admin/Team: the admins, their pending invitations, and the changes <see cref="AdminTeam"/> allows.</summary>
public class IndexModel(AdminTeam team, IOptions<ShopOptions> shop) : PageModel
{
    public IReadOnlyList<TeamMember> Members { get; private set; } = [];
    public IReadOnlyList<AdminInvitation> Invitations { get; private set; } = [];

    /// <summary>The enrolment link just made: emailed to the invited address and rendered into this one response.</summary>
    public string? EnrolmentLink { get; private set; }

    public string? InvitedEmail { get; private set; }
    public DateTimeOffset? LinkExpiresAt { get; private set; }

    [BindProperty]
    public string? InviteEmail { get; set; }

    public string? CurrentUserId => AdminActor.Of(User).Id;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        var outcome = await team.InviteAsync(InviteEmail, AdminActor.Of(User), cancellationToken);
        if (!outcome.Applied)
        {
            ModelState.AddModelError(nameof(InviteEmail), outcome.Message);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            // The link is a secret: emailed, and shown in this response only (no redirect, no TempData cookie), never cached.
            EnrolmentLink = outcome.Link!.AbsoluteUri;
            InvitedEmail = InviteEmail?.Trim().ToLowerInvariant();
            LinkExpiresAt = outcome.ExpiresAt;
            InviteEmail = null;
            ModelState.Clear();
        }

        Response.Headers.CacheControl = "no-store";
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(string? id, CancellationToken cancellationToken) =>
        ChangeAsync(id is null ? null : () => team.DisableAsync(id, AdminActor.Of(User), cancellationToken));

    public Task<IActionResult> OnPostEnableAsync(string? id, CancellationToken cancellationToken) =>
        ChangeAsync(id is null ? null : () => team.EnableAsync(id, AdminActor.Of(User), cancellationToken));

    public Task<IActionResult> OnPostRemoveAsync(string? id, CancellationToken cancellationToken) =>
        ChangeAsync(id is null ? null : () => team.RemoveAsync(id, AdminActor.Of(User), cancellationToken));

    public Task<IActionResult> OnPostRevokeAsync(Guid? invitation, CancellationToken cancellationToken) =>
        ChangeAsync(invitation is null ? null : () => team.RevokeAsync(invitation.Value, AdminActor.Of(User), cancellationToken));

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private async Task<IActionResult> ChangeAsync(Func<Task<TeamOutcome>>? change)
    {
        if (change is null)
        {
            return BadRequest();
        }

        var outcome = await change();
        TempData["Message"] = outcome.Message;
        return new SeeOtherResult(Url.Page("/Admin/Team/Index")!);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Members = await team.MembersAsync(cancellationToken);
        Invitations = await team.PendingInvitationsAsync(cancellationToken);
    }
}
