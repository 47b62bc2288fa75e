using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Checkout;

/// <summary>
/// Where a customer goes once an attempt's outcome is known: back to checkout with the decline reason
/// when it failed or was canceled (the cart is still there), else to the order page.
/// </summary>
internal static class SettledPaymentRedirect
{
    public static IActionResult For(PageModel page, string orderPublicId, PaymentStatus status, string? failureCode)
    {
        if (status is PaymentStatus.Failed or PaymentStatus.Canceled)
        {
            page.TempData["Message"] = DeclineMessages.For(failureCode ?? "canceled");
            return new SeeOtherResult(page.Url.Page("/Checkout/Index")!);
        }

        return new SeeOtherResult(page.Url.Page("/Orders/Details", values: new { publicId = orderPublicId })!);
    }
}
