using CoffeeShop.Web.AdminAccounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Areas.Identity.Pages.Account;

/// <summary>What the two second sign-in steps (authenticator code, recovery code) share.</summary>
internal static class SecondStep
{
    // Url.IsLocalUrl refuses absolute, protocol-relative (//host), /\host and javascript: addresses.
    public static string LocalOrHome(IUrlHelper url, string? returnUrl) => url.IsLocalUrl(returnUrl) ? returnUrl : AdminRegistration.HomePath;

    /// <summary>No password step in this browser (or it expired): start over rather than fail.</summary>
    public static RedirectToPageResult BackToPassword(PageModel page, string returnUrl) =>
        page.RedirectToPage("./Login", new { returnUrl });

    public static string LockedOut(AdminOptions admin) =>
        $"Too many failed sign-ins: this account is locked for up to {admin.LockoutMinutes} minutes. Try again later.";
}
