using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account;

/// <summary>
/// Stands in for the default UI's pages this shop does not offer, so every request to them, whatever
/// its method or handler, answers 404: account creation (Register, RegisterConfirmation, ExternalLogin),
/// as admins come only from the create-admin command and Team invitations; and ResendEmailConfirmation,
/// as admins' addresses need no confirming. (A forgotten password has its own pages: ForgotPassword.)
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public class NotOfferedModel : PageModel
{
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Result = NotFound();
    }
}
