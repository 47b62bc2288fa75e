using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CoffeeShop.Web.Pages.Cart;

/// <summary>
/// The cart. Never restored from the back/forward cache: its forms' antiforgery tokens make it
/// <c>no-store</c>, and that is kept on purpose (no <see cref="RestorableFromHistoryAttribute"/>): going back
/// to it after paying or after changing it in another tab must show the cart as it is now, not its old
/// quantities and prices with forms that post them.
/// </summary>
[NoIndex]
public class IndexModel(CartSession session) : PageModel
{
    public CartView Cart { get; private set; } = null!;

    [BindProperty]
    public CartInput Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Cart = await session.LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken) =>
        ChangeAsync(() => session.AddAsync(Input.ProductId!.Value, Input.Quantity!.Value, cancellationToken), "Added to your cart.", cancellationToken);

    public Task<IActionResult> OnPostUpdateAsync(CancellationToken cancellationToken) =>
        ChangeAsync(() => session.UpdateAsync(Input.ProductId!.Value, Input.Quantity!.Value, cancellationToken), "Cart updated.", cancellationToken);

    public Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        // Removing needs no quantity.
        ModelState.Remove($"{nameof(Input)}.{nameof(CartInput.Quantity)}");
        return ChangeAsync(() => session.RemoveAsync(Input.ProductId!.Value, cancellationToken), "Removed from your cart.", cancellationToken);
    }

    private async Task<IActionResult> ChangeAsync(Func<Task<CartChange>> change, string success, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await change();
            if (result is CartChange.Done or CartChange.CappedAtAvailable)
            {
                TempData["Message"] = result == CartChange.Done ? success : await CappedMessageAsync(cancellationToken);
                return new SeeOtherResult(Url.Page("/Cart/Index")!);
            }

            ModelState.AddModelError(string.Empty, result switch
            {
                CartChange.ProductUnavailable => "That coffee is sold out or not available right now.",
                CartChange.QuantityOutOfRange => $"You can have between {CartRules.MinQuantity} and {CartRules.MaxQuantity} bags of one coffee in your cart.",
                _ => "That coffee is not in your cart.",
            });
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        Cart = await session.LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<string> CappedMessageAsync(CancellationToken cancellationToken)
    {
        var (name, available) = await session.AvailabilityAsync(Input.ProductId!.Value, cancellationToken);
        return $"Only {available} {(available == 1 ? "bag" : "bags")} of {name} left: your cart has {available}.";
    }

    public sealed class CartInput
    {
        [Required(ErrorMessage = "Choose a coffee.")]
        public int? ProductId { get; set; }

        [Required(ErrorMessage = "Enter a quantity.")]
        [Range(CartRules.MinQuantity, CartRules.MaxQuantity, ErrorMessage = "Enter a quantity between {1} and {2}.")]
        public int? Quantity { get; set; }
    }
}
